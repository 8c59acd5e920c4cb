"""The ``xl:`` commands: one class per command, found by name in :data:`REGISTRY`.

After JXLS's ``Command`` interface: each class declares its attributes, checks where it stands,
and adds what it means to the template model (a block, a merge rule, a cached value …); a
repeated block's command also decides its iterations (:meth:`BlockCommand.iterations`), which is
all the layout asks of it; ``xl:merge``'s class also plans its merged runs.  A new command is one
new class and one line in the registry below.  Modules: :mod:`.base` (the interfaces), :mod:`.sheet`
(form, output, sheet), :mod:`.areas` (each, if, end), :mod:`.merge`, :mod:`.cells` (value, ref).

Nothing a command keeps is an address written as text: office applications move notes with their
cells and re-point real formulas, but never rewrite the text of a note.  So an area ends at the
cell whose note says ``xl:end(each="p")``, a merge names the merge it stays within
(``within="一级"``), and an ``&=`` formula names the cells it reads (``{{ ref.权重 }}`` for the cell
noted ``xl:ref(name="权重")``).  The old address attributes (``lastCell``, ``parent``) still work,
with a deprecation warning, and are checked against the sheet.
"""

from __future__ import annotations

from .areas import EachCommand, EndCommand, IfCommand
from .base import DEPRECATED, BlockCommand, XlCommand, check_var, split_cell
from .cells import RefCommand, ValueCommand, formula_refs, ref_table, text_addresses
from .merge import MergeCommand, parse_parent, resolve_merges
from .sheet import FormCommand, OutputCommand, SheetCommand

REGISTRY: dict[str, XlCommand] = {
    command.name: command
    for command in (FormCommand(), SheetCommand(), OutputCommand(), EachCommand(), IfCommand(), EndCommand(),
                    MergeCommand(), ValueCommand(), RefCommand())
}

__all__ = ["DEPRECATED", "REGISTRY", "BlockCommand", "XlCommand", "check_var", "formula_refs", "parse_parent",
           "ref_table", "resolve_merges", "split_cell", "text_addresses"]
