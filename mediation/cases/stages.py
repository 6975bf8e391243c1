"""The case stage machine: which stage may follow which. Pure data, no I/O."""

from __future__ import annotations

from mediation.cases.model import Stage

S = Stage

ALLOWED: dict[Stage, tuple[Stage, ...]] = {
    S.INTAKE: (S.ACCEPTED, S.REJECTED, S.WITHDRAWN),
    S.ACCEPTED: (S.INVESTIGATION, S.MEDIATION, S.WITHDRAWN),
    S.INVESTIGATION: (S.MEDIATION, S.FAILED, S.WITHDRAWN),
    S.MEDIATION: (S.SIGNED, S.FAILED, S.WITHDRAWN),
    # Judicial confirmation is optional: a signed agreement may go straight to performance.
    S.SIGNED: (S.JUDICIAL_CONFIRMATION, S.PERFORMANCE, S.CLOSED),
    # 民事诉讼法 Art 206: a refused confirmation sends the parties back to mediation.
    S.JUDICIAL_CONFIRMATION: (S.PERFORMANCE, S.MEDIATION, S.CLOSED),
    S.PERFORMANCE: (S.CLOSED,),
    S.REJECTED: (S.CLOSED,),
    S.FAILED: (S.CLOSED,),
    S.WITHDRAWN: (S.CLOSED,),
    S.CLOSED: (),
}

# Stages that need a written reason (不予受理 must state why; a withdrawal or failure is
# recorded with its cause; a refused confirmation with the court's ground).
REASON_REQUIRED: frozenset[tuple[Stage | None, Stage]] = frozenset(
    {
        (None, S.REJECTED),
        (None, S.FAILED),
        (None, S.WITHDRAWN),
        (S.JUDICIAL_CONFIRMATION, S.MEDIATION),
    }
)

OPEN_STAGES = frozenset(s for s in Stage if s not in (S.CLOSED,))
ENDED_STAGES = frozenset({S.REJECTED, S.FAILED, S.WITHDRAWN, S.CLOSED})

ORDER = list(Stage)


def allowed_next(stage: Stage) -> tuple[Stage, ...]:
    return ALLOWED[stage]


def needs_reason(current: Stage, target: Stage) -> bool:
    return (None, target) in REASON_REQUIRED or (current, target) in REASON_REQUIRED
