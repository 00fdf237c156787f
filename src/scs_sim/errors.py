"""The errors scs_sim raises for input it cannot use (each message is one line).

The CLI turns them into one line naming the file, key and allowed values, and exit code 2.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file, override or keyword that cannot be used. The message is one line."""


class NetworkFileError(ScenarioError):
    """An edge-list file that cannot be used; the message is one line."""


class PluginError(ScenarioError):
    """A plug-in that cannot be loaded or used; the message is one line."""


class ScenarioWarning(UserWarning):
    """A scenario that runs but probably not as meant (e.g. events after the last step)."""
