"""A hint to the CPU to fetch memory before a kernel needs it.

Kernels that gather from random places (contacts along rewired ties, the next
reviewers' contact lists) would otherwise wait for each cache miss in turn.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["PREFETCH_DISTANCE", "prefetch"]

PREFETCH_DISTANCE = 64
"""Tie slots ahead at which the contact pass asks for a contact's score (see docs/scale.md)."""


@intrinsic
def prefetch(typingctx, array, index):
    """Hint the CPU to fetch ``array[index]`` into cache (LLVM's prefetch; no effect on results).

    The contact pass gathers scores from random places (rewired ties); without a
    hint the CPU waits for each miss.
    """

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, view, [args[1]], wraparound=False
        )
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        hint = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]),
            "llvm.prefetch.p0i8",
        )
        # read, high temporal locality, data cache
        builder.call(
            hint,
            [builder.bitcast(pointer, byte_pointer), i32(0), i32(3), i32(1)],
        )
        return context.get_dummy_value()

    return types.void(array, index), codegen
