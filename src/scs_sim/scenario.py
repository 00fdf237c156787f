"""The scenario schema: every parameter of the model, its range, default and source.

A scenario is a flat set of named parameters. The same fields are the keyword
arguments of :class:`scs_sim.SocialCreditModel`, the keys of a scenario TOML file,
and the controls of the dashboard, so there is a single list to keep in sync:
this one. Each field's ``description`` is the help text shown to users, and its
``json_schema_extra`` records the section it belongs to and where its value comes
from (the seed paper, the literature, or an assumption of this model).
"""

from __future__ import annotations

import math
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

DEFAULT_SEED = 42
"""Seed used when none is given, so that a bare run is reproducible."""

SANCTION_KINDS: tuple[str, ...] = ("flight", "rail", "visa", "rental")
"""The restrictions a sanction can impose, named as in the joint-punishment memo."""

DATA_SOURCES: tuple[str, ...] = ("donations", "online", "ties", "credit")
"""The built-in score components, each fed by one data source."""

POPULATION_FIELDS: tuple[str, ...] = (
    "n_citizens",
    "steps",
    "network",
    "mean_degree",
    "rewiring",
    "minority_share",
    "homophily",
    "edge_list",
)
"""The population, its network and the horizon: what two matched runs share."""

BUILD_TIME_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    *POPULATION_FIELDS,
    "initial_listed_share",
    "events",
    "plugins",
)
"""Fields read only when a run is built (population, network, horizon): events cannot set them."""

FieldKind = Literal["bool", "int", "float", "choice", "text", "table"]


def _f(
    default: Any,
    description: str,
    *,
    section: str,
    source: str = "assumption",
    value: str | None = None,
    ge: float | None = None,
    le: float | None = None,
) -> Any:
    """A scenario field with its section, the source of its mechanism and of its value.

    ``source`` says where the mechanism comes from ("seed paper" and the domain notes,
    "literature: ...", or "assumption"); ``value`` where the default value comes from:
    "calibrated" (fitted to published figures, see docs/validation.md), "switch" (a
    scenario's policy choice), or "assumed" (this model's choice, screened in the
    sensitivity analysis). Fields marked ``source="calibration"`` are mechanisms of the
    domain notes whose value is calibrated.
    """
    if source == "calibration":
        source, value = "seed paper", value or "calibrated"
    if value is None:
        value = "switch" if isinstance(default, (bool, str)) else "assumed"
    return Field(
        default,
        description=description,
        ge=ge,
        le=le,
        json_schema_extra={"section": section, "source": source, "value": value},
    )


class PolicyEvent(BaseModel):
    """A change of scenario parameters at a given step, with an optional caption.

    Events switch policies on or off mid-run (e.g. rental sanctions from step 30)
    and, with captions, tell a story step by step in the dashboard's lecture mode.
    """

    model_config = ConfigDict(extra="forbid")

    step: int = Field(..., ge=0, description="Step at which the change takes effect.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Scenario fields to change, as key = value."
    )
    caption: str = Field("", description="What happens, for the audience.")


class Scenario(BaseModel):
    """All parameters of a run. Defaults are the baseline: no scoring, no sanctions."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # --- identity
    name: str = Field("baseline", description="Short name of the scenario.")
    description: str = Field(
        "No scoring and no sanctions: the control.", description="What the scenario shows."
    )

    # --- run
    n_citizens: int = _f(
        1000, "Number of synthetic citizens.", section="population", ge=10, le=50_000_000
    )
    steps: int = _f(
        104, "Steps to run; one step is one week.", section="population", ge=1, le=100_000
    )

    # --- network
    network: Literal["small_world", "scale_free", "communities", "edge_list"] = _f(
        "small_world",
        "Social network generator: Watts-Strogatz small world, Chung-Lu scale free, "
        "a two-group stochastic block model, or an edge-list file.",
        section="network",
        source="literature",
    )
    mean_degree: int = _f(
        10, "Mean number of social ties per citizen.", section="network", ge=2, le=200
    )
    rewiring: float = _f(
        0.1,
        "Small world: share of lattice ties rewired to random citizens.",
        section="network",
        source="literature",
        ge=0.0,
        le=1.0,
    )
    minority_share: float = _f(
        0.0,
        "Share of citizens in the minority group (group 1). Zero means one group.",
        section="network",
        ge=0.0,
        le=0.5,
    )
    homophily: float = _f(
        0.8,
        "Communities: share of a citizen's ties inside its own group.",
        section="network",
        ge=0.0,
        le=1.0,
    )
    edge_list: str = _f(
        "",
        "Edge-list file (two integer columns) used when network = 'edge_list'; "
        "relative paths are resolved against the scenario file.",
        section="network",
    )

    # --- scoring
    scoring: bool = _f(
        False,
        "Whether an opaque score is computed and visible at all.",
        section="scoring",
        source="seed paper",
    )
    weight_donations: float = _f(
        0.15,
        "Weight of charity donations in the score (the paper: donations raise it).",
        section="scoring",
        source="seed paper",
        ge=0.0,
        le=1.0,
    )
    weight_online: float = _f(
        0.2,
        "Weight of online behaviour as seen by surveillance.",
        section="scoring",
        source="seed paper",
        ge=0.0,
        le=1.0,
    )
    weight_ties: float = _f(
        0.2,
        "Weight of social ties: the mean score of a citizen's contacts.",
        section="scoring",
        source="seed paper",
        ge=0.0,
        le=1.0,
    )
    weight_credit: float = _f(
        0.45,
        "Weight of credit and fulfilment history.",
        section="scoring",
        source="seed paper",
        ge=0.0,
        le=1.0,
    )
    custom_weights: dict[str, float] = Field(
        default_factory=dict,
        description="Weights of extra score rules registered with scs_sim.register_rule.",
        json_schema_extra={"section": "scoring", "source": "assumption"},
    )
    share_donations: bool = _f(
        True,
        "Data sharing: donation records may feed the score.",
        section="data sharing",
        source="seed paper",
    )
    share_online: bool = _f(
        True,
        "Data sharing: platforms pass online behaviour to the scorer.",
        section="data sharing",
        source="seed paper",
    )
    share_ties: bool = _f(
        True,
        "Data sharing: contact lists and chat logs may feed the score.",
        section="data sharing",
        source="seed paper",
    )
    share_credit: bool = _f(
        True,
        "Data sharing: court and credit records may feed the score.",
        section="data sharing",
        source="seed paper",
    )
    surveillance: float = _f(
        0.1,
        "Probability that a critical post is observed by the scorer.",
        section="surveillance",
        source="seed paper",
        ge=0.0,
        le=1.0,
    )
    targeting: float = _f(
        0.0,
        "Concentration of surveillance on citizens with an online record of critical posts "
        "(weight 1 + targeting), at the same total rate (0 = everyone alike).",
        section="surveillance",
        source="seed paper",
        ge=0.0,
        le=20.0,
    )
    real_name_registration: bool = _f(
        True,
        "Posts carry their author's registered name; without it an observed post is tied to "
        "its author only by linking datasets (63-87%, more with data sharing).",
        section="surveillance",
        source="seed paper; literature: Sweeney 2000, Golle 2006",
    )
    minority_surveillance: float = _f(
        1.0,
        "Multiplier of surveillance on the minority group (capped at probability 1).",
        section="surveillance",
        ge=0.0,
        le=10.0,
    )
    record_error_rate: float = _f(
        0.0001,
        "Per-step probability that a citizen gets a wrong bad record.",
        section="surveillance",
        ge=0.0,
        le=0.1,
    )
    record_memory: float = _f(
        0.95,
        "How much of last week's record the scorer keeps (exponential memory).",
        section="scoring",
        ge=0.0,
        le=0.999,
    )
    capacity_share: float = _f(
        1.0,
        "Fulfilment capacity: extra weight of a bad credit record at zero income "
        "(credit = 1 - (1 - record) * (1 + capacity_share * (1 - min(1, income / 2)))); "
        "a clean record scores 1 at any income.",
        section="scoring",
        source="seed paper (Sesame scores fulfilment capacity)",
        ge=0.0,
        le=5.0,
    )
    donation_scale: float = _f(
        4.0,
        "Donation component = min(1, donation_scale * donation record): at 4 a donor every "
        "fourth week reaches the top of the scale.",
        section="scoring",
        source="seed paper (donations raise the score)",
        ge=0.5,
        le=20.0,
    )
    online_scale: float = _f(
        5.0,
        "Online component = max(0, 1 - online_scale * record of observed critical posts).",
        section="scoring",
        source="seed paper (online behaviour lowers the score)",
        ge=0.5,
        le=20.0,
    )
    points_per_sd: float = _f(
        100.0,
        "Score points per standard deviation of the weighted components at launch "
        "(the scorecard's scale: 650 +- points_per_sd).",
        section="scoring",
        source="seed paper (Sesame range 350-950)",
        ge=10.0,
        le=300.0,
    )

    # --- beliefs
    opacity: float = _f(
        1.0,
        "How far citizens' initial beliefs about the weights are from the truth "
        "(0 = the weights are published).",
        section="beliefs",
        source="seed paper",
        ge=0.0,
        le=3.0,
    )
    learning_rate: float = _f(
        0.05,
        "How fast beliefs about the weights and surveillance move toward what citizens "
        "observe of their own acts.",
        section="beliefs",
        ge=0.0,
        le=1.0,
    )
    fear_rate: float = _f(
        0.05,
        "How fast fear moves toward the share of one's contacts under restriction "
        "(separate from learning_rate; the default equals learning_rate's).",
        section="beliefs",
        ge=0.0,
        le=1.0,
    )
    background_learning: float = _f(
        0.1,
        "Learning about the ties and credit weights (never acted on directly), relative "
        "to learning_rate.",
        section="beliefs",
        ge=0.0,
        le=1.0,
    )
    full_belief: float = _f(
        0.3,
        "Believed share of the score (weight over total weight) of ties at which the pull to "
        "cut low-scored contacts is at its maximum.",
        section="beliefs",
        ge=0.01,
        le=1.0,
    )

    # --- behaviour
    chill_sensitivity: float = _f(
        1.2,
        "How strongly perceived risk deters critical posts (Epstein-style deterrence); the "
        "risk is in 100 score points (an observed post costs online_scale * (1 - "
        "record_memory) * points_per_sd / launch spread at a weight share of 1).",
        section="behaviour",
        source="literature (Epstein 2002, deterrence)",
        ge=0.0,
        le=50.0,
    )
    climate_sensitivity: float = _f(
        0.0,
        "Spiral of silence: how much contacts' silence last step, beyond a citizen's own "
        "dissent, multiplies its self-censorship (0 = no opinion climate).",
        section="behaviour",
        source="literature: Noelle-Neumann 1974; Kuran 1995",
        ge=0.0,
        le=10.0,
    )
    full_benefit: float = _f(
        120.0,
        "Believed score points one donation buys at which the pull to donate for the score "
        "is at its maximum.",
        section="behaviour",
        ge=1.0,
        le=500.0,
    )
    stake_range: float = _f(
        100.0,
        "Score points over which the pull to perform for the score fades with the distance "
        "to the nearest consequence in force (a restriction threshold or the perk "
        "threshold): stakes = exp(-distance / stake_range); 0 when no threshold applies.",
        section="behaviour",
        source="literature (Epstein 2002: act on the expected sanction)",
        ge=1.0,
        le=1000.0,
    )
    fear_weight: float = _f(
        6.7,
        "Perceived cost, in 100 score points, of having every contact sanctioned (scaled "
        "by min(1, opacity): under published rules citizens know why contacts were).",
        section="behaviour",
        source="literature (Epstein 2002: expected sanction from visible arrests)",
        ge=0.0,
        le=20.0,
    )
    performative_propensity: float = _f(
        0.3,
        "Per-step probability of a donation made for the score, at full believed benefit.",
        section="behaviour",
        ge=0.0,
        le=1.0,
    )
    tie_review_rate: float = _f(
        0.1,
        "Share of citizens who review their contacts each step.",
        section="behaviour",
        ge=0.0,
        le=1.0,
    )
    tie_cut_propensity: float = _f(
        0.5,
        "Probability that a reviewing citizen drops a contact it sees as a liability.",
        section="behaviour",
        ge=0.0,
        le=1.0,
    )
    low_score_visible: float = _f(
        550.0,
        "Score below which contacts look like a liability.",
        section="behaviour",
        ge=350.0,
        le=950.0,
    )
    listing_stigma: float = _f(
        0.3,
        "Pull to drop a blacklisted contact because the listing is public (shaming lists), "
        "whatever one believes about the score; scaled by (1 + restriction kinds the listing "
        "triggers) / 5, so joint punishment raises it.",
        section="behaviour",
        source="seed paper (public blacklists, joint punishment)",
        ge=0.0,
        le=1.0,
    )
    rewire_share: float = _f(
        0.5,
        "Share of dropped ties replaced by a tie to a high scorer.",
        section="behaviour",
        ge=0.0,
        le=1.0,
    )

    # --- violations and repayment
    violation_rate: float = _f(
        0.0002,
        "Mean per-step probability of a financial or legal violation (e.g. a missed debt).",
        section="violations",
        source="calibration",
        ge=0.0,
        le=0.2,
    )
    strain_sensitivity: float = _f(
        2.0,
        "How much financial strain multiplies the violation rate.",
        section="violations",
        ge=0.0,
        le=20.0,
    )
    repayment_rate: float = _f(
        0.01,
        "Per-step probability that a citizen settles an outstanding debt.",
        section="violations",
        source="calibration",
        ge=0.0,
        le=1.0,
    )
    listing_pressure: float = _f(
        1.0,
        "Extra repayment probability, relative, while a citizen is blacklisted.",
        section="violations",
        source="seed paper",
        ge=0.0,
        le=20.0,
    )

    deterrence: float = _f(
        0.0,
        "How strongly the believed expected sanction (chance x strain of a bad record) lowers "
        "violations and speeds repayment (0 = sanctions deter nobody).",
        section="violations",
        source="literature: Becker 1968; Epstein 2002",
        ge=0.0,
        le=100.0,
    )

    # --- public support
    initial_support: float = _f(
        0.8,
        "Share of citizens who support the system at the start.",
        section="support",
        source="seed paper (Southern Metropolis Daily survey, 2014: about 80%)",
        ge=0.01,
        le=0.99,
    )
    support_benefit: float = _f(
        0.5,
        "Weight of perceived benefits (own perks, fewer defaults around) on support.",
        section="support",
        ge=0.0,
        le=10.0,
    )
    support_order: float = _f(
        5.0,
        "How much the share of contacts in default counts against the system's benefit.",
        section="support",
        ge=0.0,
        le=50.0,
    )
    support_injustice: float = _f(
        1.0,
        "Weight of perceived injustice (own and contacts' sanctions, unjust ones doubly) on "
        "support.",
        section="support",
        ge=0.0,
        le=10.0,
    )
    repression_known: bool = _f(
        False,
        "The public has been told of the system's repressive uses.",
        section="support",
        source="literature: Xu, Kostka & Cao 2022",
    )
    repression_penalty: float = _f(
        0.374,
        "Shift of every attitude (in units of its spread) once repressive uses are known; "
        "0.374 takes 80% support to 68%.",
        section="support",
        source="literature: Xu, Kostka & Cao 2022 (about 12 points)",
        ge=0.0,
        le=3.0,
    )

    # --- sanctions: score thresholds
    threshold_sanctions: bool = _f(
        False,
        "Sanction path 1: restrictions below score thresholds (commercial score).",
        section="thresholds",
        source="seed paper",
    )
    flight_threshold: float = _f(
        450.0, "Below this score, flights are refused.", section="thresholds", ge=350, le=950
    )
    rail_threshold: float = _f(
        450.0, "Below this score, high-speed rail is refused.", section="thresholds", ge=350, le=950
    )
    visa_threshold: float = _f(
        500.0,
        "Below this score, visa support is refused; above perk_threshold it is fast-tracked.",
        section="thresholds",
        ge=350,
        le=950,
    )
    rental_threshold: float = _f(
        500.0,
        "Below this score, rentals need a deposit or are refused.",
        section="thresholds",
        ge=350,
        le=950,
    )
    perk_threshold: float = _f(
        700.0,
        "At or above this score: red-list perks (deposit-free rentals, fast visas).",
        section="thresholds",
        source="seed paper",
        ge=350,
        le=950,
    )

    # --- sanctions: blacklist and joint punishment
    blacklist: bool = _f(
        False,
        "Sanction path 2: a court blacklist for unpaid violations, with joint punishment.",
        section="blacklist",
        source="seed paper",
    )
    listing_delay: int = _f(
        4,
        "Steps a recorded debt stays unpaid before it can be listed.",
        section="blacklist",
        ge=0,
        le=520,
    )
    enforcement_rate: float = _f(
        0.1,
        "Per-step probability that an eligible debtor is put on the list.",
        section="blacklist",
        ge=0.0,
        le=1.0,
    )
    blacklist_term: int = _f(
        104,
        "Steps a listing lasts unless removed earlier.",
        section="blacklist",
        source="seed paper",
        ge=1,
        le=1040,
    )
    initial_listed_share: float = _f(
        0.0,
        "Share of citizens already on the blacklist at step 0, part-way through their "
        "terms (used only when blacklist = true; 0 starts with an empty list).",
        section="blacklist",
        source="calibration",
        ge=0.0,
        le=0.5,
    )
    joint_flight: bool = _f(
        True, "Joint punishment: a listing bans flights.", section="blacklist", source="seed paper"
    )
    joint_rail: bool = _f(
        True,
        "Joint punishment: a listing bans high-speed rail.",
        section="blacklist",
        source="seed paper",
    )
    joint_visa: bool = _f(
        True,
        "Joint punishment: a listing restricts visas.",
        section="blacklist",
        source="seed paper",
    )
    joint_rental: bool = _f(
        True,
        "Joint punishment: a listing restricts rentals.",
        section="blacklist",
        source="seed paper",
    )
    appeals: bool = _f(
        False,
        "Listed or wrongly recorded citizens can appeal.",
        section="appeals",
        source="seed paper",
    )
    appeal_delay: int = _f(8, "Steps an appeal takes.", section="appeals", ge=0, le=520)
    appeal_success: float = _f(
        0.7,
        "Probability that an appeal against a wrong record succeeds.",
        section="appeals",
        ge=0.0,
        le=1.0,
    )

    # --- consequences
    cost_travel: float = _f(
        0.15,
        "Income strain from a travel ban. With deterrence on it is also part of the expected "
        "sanction, so a dearer ban can lower the debtor share (debtors repay first); with "
        "deterrence 0 it only strains, and raises it.",
        section="consequences",
        ge=0.0,
        le=1.0,
    )
    cost_visa: float = _f(
        0.05, "Income strain from a visa restriction.", section="consequences", ge=0.0, le=1.0
    )
    cost_rental: float = _f(
        0.25, "Income strain from a rental restriction.", section="consequences", ge=0.0, le=1.0
    )
    perk_relief: float = _f(
        0.05,
        "Income relief from red-list perks (deposit-free rentals and bikes, fast visas): "
        "subtracted from the cost of restrictions, so strain can fall below 0 (to -0.5).",
        section="consequences",
        source="seed paper (red-list perks, deposit-free rentals, faster visas)",
        ge=0.0,
        le=1.0,
    )
    strain_memory: float = _f(
        0.9,
        "Share of last step's financial strain kept each step "
        "(strain = strain_memory * strain + (1 - strain_memory) * cost / income).",
        section="consequences",
        ge=0.0,
        le=0.99,
    )
    flight_demand: float = _f(
        0.03,
        "Per-step probability that a citizen tries to buy a flight (scaled by income).",
        section="consequences",
        source="calibration",
        ge=0.0,
        le=1.0,
    )
    rail_demand: float = _f(
        0.01,
        "Per-step probability that a citizen tries to buy a high-speed-rail ticket.",
        section="consequences",
        source="calibration",
        ge=0.0,
        le=1.0,
    )

    # --- plug-ins (scs_sim.plugins): their parameters are added as flat keys when loaded
    plugins: list[str] = Field(
        default_factory=list,
        description="Plug-ins to load: Python files or importable modules (docs/extending.md).",
    )

    # --- story
    events: list[PolicyEvent] = Field(
        default_factory=list,
        description="Policy changes at given steps, with captions for lecture mode.",
    )

    @field_validator("custom_weights")
    @classmethod
    def _finite_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if not (math.isfinite(weight) and 0.0 <= weight <= 1.0):
                raise ValueError(
                    f"custom_weights.{name} = {weight!r} is not valid; "
                    f"allowed: 0.0 <= custom_weights.{name} <= 1.0"
                )
        return value

    @model_validator(mode="after")
    def _check_events(self) -> Scenario:
        base = self.model_dump(exclude={"events"})
        for i, event in enumerate(self.events):
            for key in event.set:
                if key in BUILD_TIME_FIELDS:
                    raise ValueError(
                        f"events[{i}].set.{key}: '{key}' is read only when the run is built "
                        "and cannot change mid-run"
                    )
            # Validated against the scenario's own fields so that an error names the event's
            # key; the typed values ("false" -> False, "0.3" -> 0.3) are what the event applies.
            try:
                typed = type(self).model_validate(base | event.set)  # with any plug-ins' fields
            except ValidationError as exc:
                from scs_sim.input_errors import describe_error

                where = f"events[{i}].set"
                message = describe_error(exc.errors()[0], "", type(self), prefix=where)
                raise ValueError(message) from None
            converted = {key: getattr(typed, key) for key in event.set}
            if converted != event.set or any(
                type(converted[k]) is not type(event.set[k]) for k in converted
            ):
                event.set = converted
        return self

    def weights(self) -> dict[str, float]:
        """Score weights by rule name.

        Data protection wins over a weight: a source whose ``share_*`` switch is off
        weighs 0, whether its weight comes from ``weight_*`` or from ``custom_weights``
        (a custom weight for a built-in source replaces ``weight_*`` when sharing is on).
        """
        out = {name: getattr(self, f"weight_{name}") for name in DATA_SOURCES}
        out.update(self.custom_weights)
        for name in DATA_SOURCES:
            out[name] = out[name] * getattr(self, f"share_{name}")
        return out

    def weight_shares(self) -> dict[str, float]:
        """Each rule's share of the score: its weight over the total of positive weights.

        The scorer uses only these shares, so beliefs and behaviour are about them too:
        scaling every weight by a constant changes nothing (issue 17, finding 2).
        """
        weights = self.weights()
        total = sum(w for w in weights.values() if w > 0)
        return {k: (w / total if w > 0 and total > 0 else 0.0) for k, w in weights.items()}

    def events_beyond_horizon(self) -> list[int]:
        """Indices of events that fall after the last step (the run never reaches them)."""
        return [i for i, event in enumerate(self.events) if event.step > self.steps]

    def joint_punishment(self) -> dict[str, bool]:
        """The joint-punishment matrix row: which restrictions a listing triggers."""
        return {kind: getattr(self, f"joint_{kind}") for kind in SANCTION_KINDS}

    def thresholds(self) -> dict[str, float]:
        """Score thresholds below which each restriction applies."""
        return {kind: getattr(self, f"{kind}_threshold") for kind in SANCTION_KINDS}


def field_bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """The (ge, le) bounds of a scenario field, or None where it has none."""
    lo = hi = None
    for meta in info.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi


def field_choices(info: FieldInfo) -> tuple[str, ...]:
    """The allowed strings of a Literal field, or () for other fields."""
    args = getattr(info.annotation, "__args__", ())
    return tuple(args) if args and all(isinstance(a, str) for a in args) else ()


def field_kind(info: FieldInfo) -> FieldKind:
    """What a field holds, for messages and controls: the one type-to-kind mapping.

    Returns:
        'bool', 'int', 'float', 'choice' (a Literal of strings), 'text' (a str) or
        'table' (anything else: lists, mappings, nested models).
    """
    annotation = info.annotation
    if typing.get_origin(annotation) is Literal:
        return "choice"
    kinds: dict[Any, FieldKind] = {bool: "bool", int: "int", float: "float", str: "text"}
    return kinds.get(annotation, "table")


def allowed_values(info: FieldInfo, key: str) -> str:
    """What a field accepts, as written after 'allowed: ' in error messages ('' if nothing)."""
    lo, hi = field_bounds(info)
    if lo is not None and hi is not None:
        return f"{lo} <= {key} <= {hi}"
    kind = field_kind(info)
    if kind == "choice":
        return ", ".join(repr(a) for a in field_choices(info))
    text = {"bool": "true or false", "int": "an integer", "float": "a number", "text": "a string"}
    return text.get(kind, "")


def parameter_fields(schema: type[Scenario] = Scenario) -> dict[str, Any]:
    """The scenario's tunable fields (name -> pydantic FieldInfo), in declaration order.

    Args:
        schema: Scenario, or its extension by plug-ins (scs_sim.plugins.scenario_class).
    """
    return {
        name: info
        for name, info in schema.model_fields.items()
        if name not in ("name", "description", "events", "custom_weights", "plugins")
    }
