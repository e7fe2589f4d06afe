"""What the public may see of decisions, and the steps that change it, by concept:

- `record`: a decision's public record (`PublicRecord`), the one place public output is built
  from: pages, PDFs, feeds and exports take it, never a model instance; `parts` holds the
  record's parts (sections, appendices, signatures...), `addresses` its public addresses;
- `search`: the words the public search may match, and the sitemap's addresses;
- `versions`: the version of a public page (ETag and Last-Modified) without building it;
- `gone`: what the public is told of a decision published and since withdrawn or superseded;
- `release`: releasing a withheld part once its reason has lapsed, which republishes the
  record and records itself in the audit log.

The contracts' public projection is `contracts.publication`.
"""

from decisions.publication.addresses import appendix_url, decision_pdf_url, decision_url
from decisions.publication.gone import NoLongerPublished, no_longer_published
from decisions.publication.parts import (
    PublicAppendix,
    PublicAward,
    PublicComment,
    PublicDelegation,
    PublicLink,
    PublicProvider,
    PublicSection,
    PublicSignature,
)
from decisions.publication.record import (
    LISTED_FIELDS,
    PUBLIC_PARTS,
    RECORDED_FROM_SIGNED_RECORD,
    PublicRecord,
    listed_record,
    listed_rows,
    listed_values,
    public_decisions,
    public_record,
    public_record_of,
    public_signatures,
    record_fingerprint,
    record_layout,
    unrecorded_required,
)
from decisions.publication.release import (
    appendices_due_for_release,
    release_appendix,
    release_section,
    republish,
    sections_due_for_release,
)
from decisions.publication.search import public_index, public_search_text
from decisions.publication.versions import (
    RecordVersion,
    record_version,
    register_last_changed,
    register_version,
)

__all__ = [
    "LISTED_FIELDS",
    "PUBLIC_PARTS",
    "RECORDED_FROM_SIGNED_RECORD",
    "NoLongerPublished",
    "PublicAppendix",
    "PublicAward",
    "PublicComment",
    "PublicDelegation",
    "PublicLink",
    "PublicProvider",
    "PublicRecord",
    "PublicSection",
    "PublicSignature",
    "RecordVersion",
    "appendices_due_for_release",
    "appendix_url",
    "decision_pdf_url",
    "decision_url",
    "listed_record",
    "listed_rows",
    "listed_values",
    "no_longer_published",
    "public_decisions",
    "public_index",
    "public_record",
    "public_record_of",
    "public_search_text",
    "public_signatures",
    "record_fingerprint",
    "record_layout",
    "record_version",
    "register_last_changed",
    "register_version",
    "release_appendix",
    "release_section",
    "republish",
    "sections_due_for_release",
    "unrecorded_required",
]
