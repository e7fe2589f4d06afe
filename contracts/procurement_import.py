"""The procurement a row of a contract file was let in, read for `ContractImport`: the lot of
a procurement phase (found in the register, or made with its phase and programme), the
phase's route, outcome, CPV codes and notices, and the contract's own notices, as
/contracts.csv writes them (or as JSON lists)."""

import re

from django.core.exceptions import ValidationError

from commissioning.importing import Checker, PlannedRow, squash
from commissioning.importing.values import is_blank, parse_date
from contracts.models import (
    Lot,
    Notice,
    NoticeKind,
    PhaseOutcome,
    ProcurementPhase,
    ProcurementRoute,
    Programme,
    parse_cpv_codes,
)

ROUTE_WORDS = {
    **dict.fromkeys(
        ["quotation", "quote", "quotes", "invitationtoquote", "requestforquotation", "rfq"],
        ProcurementRoute.QUOTATION,
    ),
    **dict.fromkeys(
        [
            "publishedtender",
            "tender",
            "invitationtotender",
            "publishedinvitationtotender",
            "opentender",
            "open",
            "restricted",
            "competitivetender",
            "itt",
        ],
        ProcurementRoute.PUBLISHED_TENDER,
    ),
    **dict.fromkeys(
        ["framework", "framework call-off", "call-off", "call-off from a framework"],
        ProcurementRoute.FRAMEWORK,
    ),
    **dict.fromkeys(
        ["direct award", "direct", "waiver", "single source", "single tender"],
        ProcurementRoute.DIRECT_AWARD,
    ),
}
OUTCOME_WORDS = {
    "completed": PhaseOutcome.COMPLETED,
    "complete": PhaseOutcome.COMPLETED,
    "aborted": PhaseOutcome.ABORTED,
    "cancelled": PhaseOutcome.ABORTED,
    "failed": PhaseOutcome.FAILED,
    "unsuccessful": PhaseOutcome.FAILED,
    "retendered": PhaseOutcome.RETENDERED,
    "re-tendered": PhaseOutcome.RETENDERED,
}
NOTICE_KIND_WORDS = {
    "find a tender": NoticeKind.FIND_A_TENDER,
    "find a tender service": NoticeKind.FIND_A_TENDER,
    "fts": NoticeKind.FIND_A_TENDER,
    "contracts finder": NoticeKind.CONTRACTS_FINDER,
    "cf": NoticeKind.CONTRACTS_FINDER,
    "other": NoticeKind.OTHER,
}
LOT_WORDING = re.compile(r"^lot\s*(\d+)\s*(?::\s*(.*))?$", re.IGNORECASE | re.DOTALL)


class ProcurementChecks:
    """For `ContractImport`: the register's programmes, phases and lots, the new ones the
    file makes, and each new phase's notices."""

    programmes: dict
    phases: dict
    lots: dict
    new_programmes: dict
    new_phases: dict
    new_lots: dict
    phase_notices: dict

    def check_cpv_codes(self, check: Checker, key: str) -> str:
        codes = check.raw(key)
        if isinstance(codes, list):
            codes = "; ".join(str(code) for code in codes)
        try:
            return parse_cpv_codes(check.text(key) if not isinstance(codes, str) else codes)
        except ValidationError as invalid:
            for message in invalid.messages:
                check.error(key, message)
            return ""

    def check_notices(self, check: Checker, plan: PlannedRow, key: str = "notices") -> list[Notice]:
        """Notices as /contracts.csv writes them ("Find a Tender: 2022/S 000-031247
        https://... 2022-11-01", separated by semicolons), or in JSON a list of objects with
        `kind`, `identifier`, `url` and `published_on`: a contract's, or under `phase_notices`
        its procurement phase's."""
        value = check.raw(key)
        items = value if isinstance(value, list) else check.items(key)
        notices = []
        for item in items:
            notice = self.read_notice(check, item, key)
            if notice is None:
                continue
            try:
                notice.full_clean(exclude=["contract", "phase"], validate_unique=False)
            except ValidationError as invalid:
                for message in invalid.messages:
                    check.error(key, f"{item!r}: {message}")
                continue
            notices.append(notice)
            if key == "notices":
                plan.actions.append(f"Notice: {notice}")
        return notices

    def read_notice(self, check: Checker, item, key: str) -> Notice | None:
        accepted = "Find a Tender, Contracts Finder or Other"
        if isinstance(item, dict):
            kind = NOTICE_KIND_WORDS.get(squash(str(item.get("kind") or "")))
            identifier = str(item.get("identifier") or "").strip()
            url = str(item.get("url") or "").strip()
            published = item.get("published_on")
        else:
            text = str(item).strip()
            named, _, rest = text.partition(":")
            kind = NOTICE_KIND_WORDS.get(squash(named))
            words = rest.split()
            published = None
            if words:
                try:
                    published = parse_date(words[-1])
                    words = words[:-1]
                except ValueError:
                    published = None
            urls = [word for word in words if "://" in word]
            url = " ".join(urls)
            identifier = " ".join(word for word in words if word not in urls)
        if kind is None:
            check.error(key, f"{item!r}: say where it was published: {accepted}.")
            return None
        published_on = None
        if not is_blank(published):
            try:
                published_on = parse_date(published)
            except (ValueError, TypeError):
                check.error(key, f"{published!r} is not a date.")
                return None
        return Notice(kind=kind, identifier=identifier, url=url, published_on=published_on)

    def check_procurement(self, check: Checker, plan: PlannedRow) -> Lot | None:
        """The lot of a procurement phase the contract was let in: found in the register, or
        made (with its phase and programme) from the row. A phase already in the register is
        kept as it is: a row that says otherwise about it is warned of."""
        named = check.text("phase")
        lot_text = check.text("lot")
        route = check.choice(
            "phase_route",
            ROUTE_WORDS,
            accepted="quotation, published tender, framework call-off or direct award",
        )
        facts = {
            "route": route or "",
            "tender_value": check.money("phase_tender_value"),
            "number_of_bids": check.whole_number("phase_bids"),
            "outcome": check.choice(
                "phase_outcome",
                OUTCOME_WORDS,
                accepted="completed, aborted, failed or re-tendered",
            )
            or "",
            "cpv_codes": self.check_cpv_codes(check, "phase_cpv_codes"),
        }
        notices = self.check_notices(check, plan, "phase_notices")
        lot_cpv_codes = self.check_cpv_codes(check, "lot_cpv_codes")
        if not named:
            if (
                lot_text
                or notices
                or lot_cpv_codes
                or any(v not in ("", None) for v in facts.values())
            ):
                check.error("phase", "Name the procurement phase, as 'programme: phase'.")
            return None
        programme_title, _, phase_name = named.rpartition(":")
        programme_title, phase_name = programme_title.strip(), phase_name.strip()
        if not programme_title or not phase_name:
            check.error("phase", f"{named!r}: name the phase as 'programme: phase'.")
            return None
        match = LOT_WORDING.match(lot_text)
        if not match:
            check.error(
                "lot",
                "A contract belongs to its procurement phase through a lot: give it as "
                "'Lot 1: Adult service'.",
            )
            return None
        phase = self.phases.get((squash(programme_title), squash(phase_name)))
        if phase is None:
            programme = self.programmes.get(squash(programme_title))
            if programme is None:
                programme = Programme(title=programme_title)
                self.programmes[squash(programme_title)] = programme
                self.new_programmes.append(programme)
                plan.actions.append(f"New programme: {programme_title}")
            phase = ProcurementPhase(programme=programme, name=phase_name, **facts)
            try:
                phase.full_clean(exclude=["programme"], validate_unique=False)
            except ValidationError as invalid:
                for message in invalid.messages:
                    check.error("phase", message)
                return None
            self.phases[(squash(programme_title), squash(phase_name))] = phase
            self.new_phases.append(phase)
            self.phase_notices[id(phase)] = notices
            plan.actions.append(f"New procurement phase: {named}")
            plan.actions.extend(f"Notice of the phase: {notice}" for notice in notices)
        else:
            known = self.phase_notices.get(id(phase))
            if known is None:
                known = list(phase.notices.all())
            if notices and notice_keys(notices) != notice_keys(known):
                where = "the register" if phase.pk else "an earlier row"
                check.warn(
                    "phase_notices",
                    f"{where.capitalize()} has other notices for {named}; {where}'s are kept.",
                )
            for name, stated in facts.items():
                if stated not in ("", None) and getattr(phase, name) != stated:
                    where = "the register" if phase.pk else "an earlier row"
                    check.warn(
                        f"phase_{'bids' if name == 'number_of_bids' else name}",  # the column
                        f"{where.capitalize()} has another {name.replace('_', ' ')} for "
                        f"{named}; {where}'s is kept.",
                    )
        number, title = int(match[1]), (match[2] or "").strip()
        lot = self.lots.get((id(phase) if phase.pk is None else phase.pk, number))
        if lot is None:
            if not title:
                check.error("lot", f"Lot {number} is new: give its title, as 'Lot {number}: ...'.")
                return None
            lot = Lot(phase=phase, number=number, title=title, cpv_codes=lot_cpv_codes)
            self.lots[(id(phase) if phase.pk is None else phase.pk, number)] = lot
            self.new_lots.append(lot)
            plan.actions.append(f"New lot: Lot {number}: {title}")
        else:
            plan.actions.append(f"Lot {number} of {named}")
            if lot_cpv_codes and lot.cpv_codes != lot_cpv_codes:
                check.warn("lot_cpv_codes", f"Lot {number} has other CPV codes; they are kept.")
        return lot

    # Suppliers.


def notice_keys(notices: list[Notice]) -> set[tuple]:
    """What tells notices apart, to compare a row's with those already known."""
    return {(n.kind, n.identifier, n.url, n.published_on) for n in notices}
