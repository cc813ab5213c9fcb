"""How the items of different catalogues relate: the mapping graph (pure functions).

Catalogues name their relations to other catalogues (``mappings`` in the file, see
docs/catalogue-format.md); a relation is read in both directions (``A superset B`` is
``B subset A``). Where two catalogues have no direct relation, a chain through a third one is
used (QuB → ISO 14001:2015 → ISO 14001:2026), composed with :meth:`Relation.then`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from oekoaudit.domain.checklist import Checklist, Relation

#: Which relation tells most about the other item: used to pick one among several chains.
RELATION_STRENGTH = {Relation.EQUAL: 0, Relation.SUPERSET: 1, Relation.SUBSET: 2, Relation.INTERSECT: 3}


@dataclass(frozen=True, slots=True)
class Link:
    """Item ``source_key`` of the source catalogue relates to ``target_key`` of the target."""

    source_key: str
    target_key: str
    #: how the source item relates to the target item
    relation: Relation
    #: the catalogue a chained link goes through, or None for a direct one
    via: str | None = None


@dataclass(frozen=True, slots=True)
class MappingProblem:
    """A relation that names a catalogue or an item that does not exist."""

    catalogue_id: str
    target: str
    key: str
    to: str
    #: "catalogue" (the target catalogue is unknown), "item" (``to`` is not an item of it) or
    #: "key" (``key`` is not an item of the mapping catalogue)
    kind: str


class MappingIndex:
    """Every relation between the given catalogues, in both directions."""

    def __init__(self, checklists: Iterable[Checklist]) -> None:
        self._keys: dict[str, frozenset[str]] = {}
        self._edges: dict[tuple[str, str], list[tuple[str, str, Relation]]] = defaultdict(list)
        self._problems: list[MappingProblem] = []
        checklists = list(checklists)
        for c in checklists:
            self._keys[c.id] = frozenset(i.key for i in c.items())
        for c in checklists:
            for m in c.mappings:
                if m.key not in self._keys[c.id]:
                    self._problems.append(MappingProblem(c.id, m.target, m.key, m.to, "key"))
                    continue
                if m.target not in self._keys:
                    self._problems.append(MappingProblem(c.id, m.target, m.key, m.to, "catalogue"))
                    continue
                if m.to not in self._keys[m.target]:
                    self._problems.append(MappingProblem(c.id, m.target, m.key, m.to, "item"))
                    continue
                self._edges[(c.id, m.target)].append((m.key, m.to, m.relation))
                self._edges[(m.target, c.id)].append((m.to, m.key, m.relation.inverse()))

    @property
    def problems(self) -> list[MappingProblem]:
        return list(self._problems)

    def catalogues(self) -> list[str]:
        return sorted(self._keys)

    def knows(self, catalogue_id: str) -> bool:
        return catalogue_id in self._keys

    def _direct(self, source: str, target: str) -> dict[tuple[str, str], Link]:
        best: dict[tuple[str, str], Link] = {}
        for s_key, t_key, rel in self._edges.get((source, target), ()):
            _keep_best(best, Link(s_key, t_key, rel))
        return best

    def links(self, source: str, target: str) -> list[Link]:
        """How the items of ``source`` relate to the items of ``target``.

        The same catalogue maps each item onto itself. Otherwise direct relations come first;
        pairs they do not cover are filled from chains through one other catalogue.
        """
        if source == target:
            return [Link(k, k, Relation.EQUAL) for k in sorted(self._keys.get(source, ()))]
        found = self._direct(source, target)
        chained: dict[tuple[str, str], Link] = {}
        for (a, mid), first in self._edges.items():
            if a != source or mid == target:
                continue
            second = self._edges.get((mid, target), ())
            if not second:
                continue
            onward: dict[str, list[tuple[str, Relation]]] = defaultdict(list)
            for m_key, t_key, rel in second:
                onward[m_key].append((t_key, rel))
            for s_key, m_key, rel1 in first:
                for t_key, rel2 in onward.get(m_key, ()):
                    _keep_best(chained, Link(s_key, t_key, rel1.then(rel2), via=mid))
        for pair, link in chained.items():
            found.setdefault(pair, link)
        return sorted(found.values(), key=lambda x: (x.target_key, x.source_key))

    def links_by_target(self, source: str, target: str) -> dict[str, list[Link]]:
        grouped: dict[str, list[Link]] = defaultdict(list)
        for link in self.links(source, target):
            grouped[link.target_key].append(link)
        for links in grouped.values():
            links.sort(key=lambda x: (RELATION_STRENGTH[x.relation], x.source_key))
        return dict(grouped)


def _keep_best(found: dict[tuple[str, str], Link], link: Link) -> None:
    pair = (link.source_key, link.target_key)
    old = found.get(pair)
    if old is None or RELATION_STRENGTH[link.relation] < RELATION_STRENGTH[old.relation]:
        found[pair] = link
