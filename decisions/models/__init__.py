"""The decisions app's models, one module per concept:

- `withholding`: the exemptions an office cites and the rules of a withheld part;
- `forms`: an office's decision form, as data, and the categories of decisions;
- `decision`: the decision record and its queries;
- `parts`: what a decision is made of (sections, appendices, statutory comments, awards,
  links to other decisions);
- `steps`: the sign-off workflow as one table of steps, and the statuses between them;
- `signoff`: the workflow's behaviour, which `Decision` takes as two mixins;
- `workflow`: the workflow's records (delegations, signatures, the audit trail of steps).

Everything is imported here, so `from decisions.models import X` works for any of them, and
Django finds every model.
"""

from decisions.models.decision import Confidentiality, Decision, DecisionMaker, DecisionQuerySet
from decisions.models.fields import MONEY
from decisions.models.forms import DecisionCategory, DecisionTemplate, TemplateSection
from decisions.models.parts import (
    Appendix,
    Award,
    CommentRole,
    DecisionLink,
    DecisionSection,
    LinkKind,
    StatutoryComment,
    appendix_path,
)
from decisions.models.steps import (
    DECIDED,
    IN_FLIGHT,
    OFFERED,
    ROAD,
    STEPS,
    DecisionStatus,
    Queue,
    StepSpec,
    WorkflowOutcome,
    WorkflowStep,
)
from decisions.models.withholding import (
    EXEMPTION_WORDS,
    QUALIFIED_EXEMPTIONS,
    Exemption,
    Withholdable,
    withholding_constraints,
)
from decisions.models.workflow import (
    Delegation,
    Signature,
    SignatureMethod,
    WorkflowEvent,
    person_name,
)

__all__ = [
    "DECIDED",
    "EXEMPTION_WORDS",
    "IN_FLIGHT",
    "MONEY",
    "OFFERED",
    "QUALIFIED_EXEMPTIONS",
    "ROAD",
    "STEPS",
    "Appendix",
    "Award",
    "CommentRole",
    "Confidentiality",
    "Decision",
    "DecisionCategory",
    "DecisionLink",
    "DecisionMaker",
    "DecisionQuerySet",
    "DecisionSection",
    "DecisionStatus",
    "DecisionTemplate",
    "Delegation",
    "Exemption",
    "LinkKind",
    "Queue",
    "Signature",
    "SignatureMethod",
    "StatutoryComment",
    "StepSpec",
    "TemplateSection",
    "Withholdable",
    "WorkflowEvent",
    "WorkflowOutcome",
    "WorkflowStep",
    "appendix_path",
    "person_name",
    "withholding_constraints",
]
