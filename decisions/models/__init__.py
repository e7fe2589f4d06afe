"""The decisions app's models, one module per concept:

- `withholding`: the exemptions an office cites and the rules of a withheld part;
- `offices`: the office a form belongs to (name, crest, address, printed wording);
- `forms`: an office's decision form, as data, and the categories of decisions;
- `layout`: a form's layout (its elements and own fields), the values of those fields on a
  decision, and the layout a published decision keeps;
- `decision`: the decision record and its queries;
- `parts`: what a decision is made of (sections, appendices, statutory comments, awards,
  links to other decisions);
- `steps`: the sign-off workflow as one table of steps, and the statuses between them;
- `signoff`: the workflow's behaviour, which `Decision` takes as two mixins;
- `recording`: recording decisions taken on paper and correcting decided records, a third;
- `workflow`: the workflow's records (delegations, signatures, the audit trail of steps);
- `money`: a decision's figures (its value, by year, capital or revenue, its budget and
  its funding sources), withheld as a whole like a section;
- `planning`: the forward plan, decisions the office expects to take;
- `alerts`: readers' subscriptions to e-mail alerts;
- `autosave`: what an officer has typed in the editor and not yet saved.

Everything is imported here, so `from decisions.models import X` works for any of them, and
Django finds every model.
"""

from decisions.models.alerts import Subscription
from decisions.models.autosave import EditorDraft
from decisions.models.decision import Confidentiality, Decision, DecisionMaker, DecisionQuerySet
from decisions.models.fields import MONEY
from decisions.models.forms import DecisionCategory, DecisionTemplate, TemplateSection
from decisions.models.layout import (
    ElementKind,
    FieldType,
    FieldValue,
    FormElement,
    Numbering,
    RecordLayout,
)
from decisions.models.money import (
    DecisionMoney,
    FundingSource,
    SpendType,
    YearlyFigure,
    financial_year,
    parse_financial_year,
    share_in_words,
)
from decisions.models.offices import Office
from decisions.models.parts import (
    Appendix,
    Award,
    AwardedTo,
    CommentRole,
    DecisionLink,
    DecisionProvider,
    DecisionSection,
    LinkKind,
    ProviderRole,
    StatutoryComment,
    appendix_path,
)
from decisions.models.planning import PlannedDecision, PlannedDecisionQuerySet
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
    RestrictedPapers,
    Withholdable,
    exemption_in_words,
    restriction_constraints,
    withholding_constraints,
)
from decisions.models.workflow import (
    Correction,
    Delegation,
    Signature,
    SignatureMethod,
    SignedCopy,
    WorkflowEvent,
    person_name,
)

__all__ = [
    "Subscription",
    "PlannedDecision",
    "PlannedDecisionQuerySet",
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
    "EditorDraft",
    "DecisionCategory",
    "DecisionLink",
    "DecisionMaker",
    "DecisionMoney",
    "FundingSource",
    "SpendType",
    "YearlyFigure",
    "financial_year",
    "parse_financial_year",
    "share_in_words",
    "DecisionProvider",
    "DecisionQuerySet",
    "DecisionSection",
    "DecisionStatus",
    "DecisionTemplate",
    "Delegation",
    "ElementKind",
    "Exemption",
    "FieldType",
    "FieldValue",
    "FormElement",
    "LinkKind",
    "Numbering",
    "Office",
    "ProviderRole",
    "Queue",
    "Correction",
    "RecordLayout",
    "Signature",
    "SignatureMethod",
    "SignedCopy",
    "StatutoryComment",
    "StepSpec",
    "TemplateSection",
    "RestrictedPapers",
    "Withholdable",
    "WorkflowEvent",
    "WorkflowOutcome",
    "WorkflowStep",
    "appendix_path",
    "AwardedTo",
    "exemption_in_words",
    "person_name",
    "restriction_constraints",
    "withholding_constraints",
]
