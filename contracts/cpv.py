"""Common Procurement Vocabulary codes: how they are written, read and checked."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

# Common Procurement Vocabulary codes: eight digits, a hyphen and a check digit. A record may
# have several, kept in one field as "85312300-2; 85000000-9" (the form and the import accept
# commas, semicolons or spaces between them and store them this way).
CPV_CODE = r"[0-9]{8}-[0-9]"
CPV_CODES = rf"^{CPV_CODE}(; {CPV_CODE})*$"
CPV_SEPARATOR = "; "


def parse_cpv_codes(text: str) -> str:
    """Codes as typed ("85312300-2, 85000000-9") in the stored form; ValidationError naming
    any code that is not one."""
    codes = [code for code in re.split(r"[\s,;]+", str(text or "").strip()) if code]
    wrong = [code for code in codes if not re.fullmatch(CPV_CODE, code)]
    if wrong:
        raise ValidationError(
            f"{', '.join(wrong)} {'is not a CPV code' if len(wrong) == 1 else 'are not CPV codes'}"
            ": a CPV code is eight digits, a hyphen and a check digit, like 85312300-2",
            code="invalid_cpv",
        )
    return CPV_SEPARATOR.join(dict.fromkeys(codes))


def cpv_codes_constraint(model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(cpv_codes="") | Q(cpv_codes__regex=CPV_CODES),
        name=f"{model}_cpv_codes_valid",
        violation_error_message="CPV codes must be written like 85312300-2, separated by "
        "semicolons",
    )
