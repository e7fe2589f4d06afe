"""Load the demo office: the facts of the two seed documents, as records.

Running it again changes nothing: each record is looked up by its natural key and only
created when missing. Every write is made as the demo administrator, so the history says who.
The prose is the project's own summary of the seeds' facts.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import models, transaction

from commissioning.roles import Role
from contracts.models import (
    ArrangementPartner,
    ArrangementRisk,
    Commissioner,
    Contract,
    Extension,
    JointArrangement,
    Level,
    Lot,
    PartnerAsk,
    PartnerBody,
    PartnerPosition,
    ProcurementPhase,
    ProcurementRoute,
    Programme,
    Provider,
)
from decisions.models import (
    Decision,
    DecisionCategory,
    DecisionTemplate,
    Exemption,
    TemplateSection,
)

D = datetime.date

DEMO_USERS = [
    # username, first name, last name, role, staff, superuser
    ("officer", "Sara", "Ansell", Role.OFFICER, False, False),
    ("treasurer", "Demo", "Treasurer", Role.TREASURER, False, False),
    ("monitoring", "Demo", "Monitoring Officer", Role.MONITORING_OFFICER, False, False),
    ("chief", "Demo", "Chief Officer", Role.CHIEF_OFFICER, False, False),
    ("pcc", "Philip", "Seccombe", Role.COMMISSIONER, False, False),
    ("admin", "Demo", "Administrator", None, True, True),
]

CATEGORIES = ["Force business", "OPCC business", "Commissioning", "Estates", "Finance"]

WARWICKSHIRE_SECTIONS = [
    ("Background information", True, "Why the decision is needed and what led to it."),
    ("List of additional information attached as appendices", False, ""),
    ("Expected benefits", True, "What the decision will achieve."),
    ("Impact of not approving the application", True, ""),
    ("Costs (including any identified savings)", True, "Figures are often withheld."),
    ("Equality implications", False, ""),
    ("Legal comments", True, ""),
    ("Publication", True, "The Freedom of Information statement of the form."),
]

ORDER_SECTIONS = [
    ("Order", "Executive order", True, "What the Commissioner orders, in numbered points."),
    ("Reasons for the order", "Executive order", True, ""),
    ("Executive summary", "Supporting report", True, ""),
    ("Recommendations", "Supporting report", True, ""),
    ("Options considered and rejected", "Supporting report", False, ""),
    ("Financial implications", "Supporting report", True, ""),
    ("Legal implications", "Supporting report", True, ""),
    ("Equality and human rights", "Supporting report", False, ""),
    ("Risks", "Supporting report", False, ""),
    ("Consultation", "Supporting report", False, ""),
]

WPCC3_0058_TEXT = {
    "Background information": (
        "In 2018 the Commissioner commissioned a set of services for vulnerable victims in "
        "Warwickshire, among them a drugs and alcohol misuse service for adults who come into "
        "the criminal justice system, delivered by Change Grow Live, and a matching service "
        "for young people, delivered by Compass. Both began in April 2018 and end on 31 March "
        "2023, and neither contract has an extension option left.\n\n"
        "An independent consultant finished a needs assessment in February 2022, and a new "
        "commissioning cycle for victim services has begun. For the other service areas "
        "(general victims cope and recovery; sexual abuse and violence; child exploitation; "
        "modern slavery and human trafficking; restorative justice) a Prior Information Notice "
        "has told providers that the Commissioner means to recommission them from April "
        "2023.\n\n"
        "Warwickshire County Council commissions the same two providers for people with "
        "substance misuse needs outside the criminal justice system. Its contracts run to the "
        "end of March 2024 and cannot be cut short, and it supports joint commissioning in "
        "principle. National policy (the 2021 independent review of drugs and the ten-year "
        "drug strategy that followed it) presses for local partnerships and joint "
        "commissioning. Extending the Commissioner's two contracts by twelve months brings "
        "both bodies' timetables into line.\n\n"
        "Recommissioning runs in two phases. Phase 1 (2022) is one procurement in five lots: "
        "general victim cope and recovery (Lot 1), sexual abuse and violence recovery (Lot 2), "
        "child exploitation recovery (Lot 3), modern slavery and human trafficking (new Lot 4) "
        "and restorative justice (new Lot 5), with services starting on 1 April 2023. Phase 2 "
        "(2023) procures the drugs and alcohol services, the old Lots 4 and 5, jointly with "
        "the County Council, to a timetable running from December 2022 to March 2024, for "
        "services from April 2024."
    ),
    "List of additional information attached as appendices": "None.",
    "Expected benefits": (
        "Shared procurement and legal work makes commissioning leaner. Specifications will be "
        "split into an adult criminal justice lot and a youth lot, so that the Commissioner "
        "can choose the providers best suited to the criminal justice work even where they "
        "differ from the Council's choice. The joint domestic abuse support service, managed "
        "by the same team and with the office at its contract monitoring meetings, shows the "
        "arrangement can work."
    ),
    "Impact of not approving the application": (
        "Staying out of joint working would set the office apart from the national drug "
        "strategy and risk gaps and confusion from commissioning in isolation."
    ),
    "Costs (including any identified savings)": (
        "Joint commissioning is expected to save money or give better value through economies "
        "of scale and combined purchasing power. The cost of the twelve-month extensions is "
        "commercially sensitive while the new procurement is under way."
    ),
    "Equality implications": "",
    "Legal comments": "Legal and procurement advice has been taken.",
    "Publication": (
        "This record falls under the Freedom of Information Act 2000. Everything in it is "
        "published on the office's website unless it is covered by an exemption and marked "
        "as confidential or partly confidential."
    ),
}

WPCC3_0058_COSTS_PUBLIC_INTEREST = (
    "Publishing the value of the extended contracts while the drugs and alcohol services are "
    "being re-procured would weaken the office's negotiating position and the providers' "
    "commercial interests. The public interest in value for money is better served by "
    "withholding the figures until the new contracts are awarded."
)

# The statutory comments on WPCC3-0058, given through the workflow by the demo Treasurer and
# Monitoring Officer (the seed names neither).
WPCC3_0058_TREASURER = (
    "Extending the current contracts and then recommissioning the services jointly should "
    "benefit the people who use them and make the service more efficient, though that will "
    "only show after a compliant procurement, which starts soon. The contracts need one more "
    "year to allow it, with joint services from April 2024. The cost of commissioning and of "
    "services from April 2024 will be built into the annual budget and the medium-term "
    "financial plan."
)
WPCC3_0058_MONITORING_OFFICER = (
    "The approach was developed with legal and procurement professionals so that the "
    "Commissioner can secure best value for money from the services commissioned."
)

DEMO_USERNAMES = [username for username, *_rest in DEMO_USERS]

# Decisions part-way through sign-off, on the facts of the seeds; the prose is the project's.
DEMO_LOT_1_TEXT = {
    "Background information": (
        "The Phase 1 procurement, run by the Finance and Commissioning team with the force's "
        "procurement team after a Prior Information Notice, invited bids in five lots for "
        "services from 1 April 2023. Bids for Lot 1, the general victim cope and recovery "
        "service, have been scored on quality and price, and the moderated scores rank one "
        "bidder first. The preferred bidder is named once the standstill period has ended."
    ),
    "Expected benefits": (
        "One service for victims of crime who need help to cope and recover, in place when "
        "the current arrangements end on 31 March 2023, with the outcomes and performance "
        "measures set in the specification."
    ),
    "Impact of not approving the application": (
        "There would be no general support service for victims from April 2023, and the lot "
        "would have to be tendered again."
    ),
    "Costs (including any identified savings)": (
        "The preferred bid's price over the contract term is within the budget set aside for "
        "Lot 1 in the medium-term financial plan. Bid prices and scores are in the evaluation "
        "report."
    ),
    "Legal comments": "The procurement followed the rules for these services, with advice "
    "from the force's procurement team.",
}
DEMO_BID_PRICES_WITHHELD = (
    "Publishing bid prices before the contract is signed would harm the bidders' commercial "
    "interests and the fairness of the procurement. The public interest in value for money is "
    "met by publishing the contract value once it is awarded."
)
DEMO_PHASE_2_TEXT = {
    "Background information": (
        "In WPCC3-0058 the Commissioner agreed to commission drugs and alcohol services for "
        "people in the criminal justice system jointly with Warwickshire County Council, and "
        "extended the current contracts to 31 March 2024. Phase 2 of the recommissioning now "
        "begins: the old Lots 4 and 5 are procured together with the Council between December "
        "2022 and March 2024, split into an adult lot and a youth lot."
    ),
    "Expected benefits": (
        "One procurement and one set of legal work for both bodies; services joined up with "
        "the Council's community treatment; and separate lots, so that the office can choose "
        "the provider best suited to the criminal justice work."
    ),
    "Impact of not approving the application": (
        "The current contracts cannot be extended again. Without a new procurement there "
        "would be no service for people in the criminal justice system from April 2024."
    ),
    "Costs (including any identified savings)": (
        "The office's share will be met from the commissioning budget in the medium-term "
        "financial plan. Each body's share of the cost will be set in a partnership agreement."
    ),
    "Legal comments": (
        "A partnership agreement between the office and the Council will set out each "
        "party's role, share of the cost and part in the award."
    ),
}
DEMO_PHASE_2_TREASURER = (
    "The office's share of the joint service can be met within the commissioning budget "
    "from 2024/25 and will be built into the medium-term financial plan."
)
DEMO_PHASE_2_MONITORING_OFFICER = (
    "The partnership agreement must be signed before the procurement starts. Legal advice "
    "has been taken on its terms."
)
DEMO_LOT_5_TEXT = {
    "Background information": (
        "Restorative justice is one of two new lots in the Phase 1 procurement. Bids for "
        "Lot 5 have been scored on quality and price, and the moderated scores rank one bidder "
        "first, for services from 1 April 2023."
    ),
    "Expected benefits": (
        "Victims who choose it can meet or communicate with the person who harmed them, with "
        "trained facilitators, as part of their recovery."
    ),
    "Impact of not approving the application": (
        "The office would have no restorative justice service from April 2023."
    ),
    "Costs (including any identified savings)": "To be confirmed.",
    "Legal comments": "The procurement followed the rules for these services.",
}
DEMO_LOT_5_RETURNED = (
    "Please set out the annual cost of the service and the budget it is met from before I "
    "sign off: the costs section still says it is to be confirmed."
)


class Command(BaseCommand):
    help = "Load the demo office's users, forms, decisions, contracts and partners (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            self.created = 0
            self.admin = self.users()
            self.categories = {
                name: self.ensure(DecisionCategory, name=name) for name in CATEGORIES
            }
            warwickshire, _order = self.templates()
            bodies = self.partner_bodies()
            programme_2018, programme_2022 = self.programmes()
            contracts = self.contracts(programme_2018)
            decision = self.wpcc3_0058(warwickshire, contracts, programme_2022)
            self.extensions(contracts, decision)
            self.arrangements(bodies, contracts, decision)
            self.workflow_stages(warwickshire)
        self.stdout.write(f"Demo data loaded: {self.created} records created.")

    # -- helpers ---------------------------------------------------------------------------

    def ensure(self, model: type[models.Model], defaults: dict | None = None, **lookup):
        """The row with these natural keys, created (validated, with history) if missing."""
        instance = model.objects.filter(**lookup).first()
        if instance is not None:
            return instance
        instance = model(**lookup, **(defaults or {}))
        instance._history_user = getattr(self, "admin", None)
        instance.full_clean()
        instance.save()
        self.created += 1
        return instance

    def users(self):
        User = get_user_model()
        admin = None
        for username, first, last, role, staff, superuser in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@opcc.example",
                    is_staff=staff,
                    is_superuser=superuser,
                )
                user.set_password("demo")
                user.save()
                if role is not None:
                    user.groups.add(Group.objects.get(name=role.value))
                self.created += 1
            if superuser:
                admin = user
        return admin

    # -- forms -----------------------------------------------------------------------------

    def templates(self) -> tuple[DecisionTemplate, DecisionTemplate]:
        warwickshire = self.ensure(
            DecisionTemplate,
            name="Warwickshire decision record (WPCC3)",
            defaults={
                "description": (
                    "The decision record of the Warwickshire Police and Crime Commissioner: a "
                    "summary with the decision and signature, supporting information in "
                    "numbered sections, then the statutory comments."
                ),
                "reference_format": "WPCC3-{number:04}",
                "requires_treasurer": True,
                "requires_monitoring_officer": True,
                "requires_chief_officer_for_force_business": True,
                "decided_label": "Date",
                "signed_label": "Date signed",
            },
        )
        for position, (heading, mandatory, guidance) in enumerate(WARWICKSHIRE_SECTIONS, 1):
            self.ensure(
                TemplateSection,
                template=warwickshire,
                position=position,
                defaults={
                    "heading": heading,
                    "part": "Supporting information",
                    "is_mandatory": mandatory,
                    "guidance": guidance,
                },
            )
        order = self.ensure(
            DecisionTemplate,
            name="Executive order and supporting report",
            defaults={
                "description": (
                    "A form used by some offices: a short executive order signed by the "
                    "Commissioner, with a separate supporting report. It has no Monitoring "
                    "Officer comment."
                ),
                "reference_format": "EXE{number:04}/{yy}",
                "requires_treasurer": True,
                "requires_monitoring_officer": False,
                "decided_label": "Date of order",
                "signed_label": "Signed on",
                "summary_label": "Summary of the order",
            },
        )
        for position, (heading, part, mandatory, guidance) in enumerate(ORDER_SECTIONS, 1):
            self.ensure(
                TemplateSection,
                template=order,
                position=position,
                defaults={
                    "heading": heading,
                    "part": part,
                    "is_mandatory": mandatory,
                    "guidance": guidance,
                },
            )
        return warwickshire, order

    # -- partners, programmes, contracts ---------------------------------------------------

    def partner_bodies(self) -> dict[str, PartnerBody]:
        kinds = {
            "Warwickshire County Council": PartnerBody.Kind.COUNTY_COUNCIL,
            "Leicester City Council": PartnerBody.Kind.CITY_COUNCIL,
            "Leicestershire County Council": PartnerBody.Kind.COUNTY_COUNCIL,
            "Rutland County Council": PartnerBody.Kind.UNITARY_COUNCIL,
            "Probation Service (Leicester, Leicestershire and Rutland)": (
                PartnerBody.Kind.PROBATION
            ),
        }
        return {
            name: self.ensure(PartnerBody, name=name, defaults={"kind": kind})
            for name, kind in kinds.items()
        }

    def programmes(self) -> tuple[Programme, Programme]:
        programme_2018 = self.ensure(
            Programme,
            title="Victim services commissioning 2018",
            defaults={
                "description": (
                    "The 2018 commissioning of services for vulnerable victims, including the "
                    "drugs and alcohol misuse services for adults and young people in the "
                    "criminal justice system."
                ),
            },
        )
        phase_2018 = self.ensure(
            ProcurementPhase,
            programme=programme_2018,
            name="2018 procurement",
            defaults={"service_starts_on": D(2018, 4, 1)},
        )
        self.ensure(
            Lot,
            phase=phase_2018,
            number=4,
            defaults={
                "title": "Drugs and alcohol misuse: adults in the criminal justice system",
                "service_area": "Drugs and alcohol",
            },
        )
        self.ensure(
            Lot,
            phase=phase_2018,
            number=5,
            defaults={
                "title": "Drugs and alcohol misuse: young people",
                "service_area": "Drugs and alcohol",
            },
        )

        programme = self.ensure(
            Programme,
            title="Victim services recommissioning 2022–24",
            defaults={
                "description": (
                    "A new commissioning cycle for victim services, in two phases over two "
                    "years, following the 2022 needs assessment."
                ),
                "needs_assessment_on": D(2022, 2, 28),
                "needs_assessment_by": "An independent consultant",
            },
        )
        phase_1 = self.ensure(
            ProcurementPhase,
            programme=programme,
            name="Phase 1",
            defaults={
                "starts_on": D(2022, 1, 1),
                "ends_on": D(2022, 12, 31),
                "route": ProcurementRoute.PUBLISHED_TENDER,
                "service_starts_on": D(2023, 4, 1),
                "description": (
                    "One procurement in five lots, run by the Finance and Commissioning team "
                    "with the force's procurement team, after a Prior Information Notice."
                ),
            },
        )
        lots = [
            (1, "General victim cope and recovery", "Victim support", False),
            (2, "Sexual abuse and violence recovery", "Sexual abuse and violence", False),
            (3, "Child exploitation recovery", "Child exploitation", False),
            (4, "Modern slavery and human trafficking", "Modern slavery", True),
            (5, "Restorative justice", "Restorative justice", True),
        ]
        for number, title, area, is_new in lots:
            self.ensure(
                Lot,
                phase=phase_1,
                number=number,
                defaults={"title": title, "service_area": area, "is_new": is_new},
            )
        phase_2 = self.ensure(
            ProcurementPhase,
            programme=programme,
            name="Phase 2",
            defaults={
                "starts_on": D(2022, 12, 1),
                "ends_on": D(2024, 3, 31),
                "service_starts_on": D(2024, 4, 1),
                "description": (
                    "Drugs and alcohol services for people in the criminal justice system "
                    "(the old Lots 4 and 5), commissioned jointly with Warwickshire County "
                    "Council and split into an adult lot and a youth lot."
                ),
            },
        )
        self.ensure(
            Lot,
            phase=phase_2,
            number=1,
            defaults={
                "title": "Adult criminal justice drugs and alcohol service",
                "service_area": "Drugs and alcohol",
            },
        )
        self.ensure(
            Lot,
            phase=phase_2,
            number=2,
            defaults={
                "title": "Young people's drugs and alcohol service",
                "service_area": "Drugs and alcohol",
            },
        )
        return programme_2018, programme

    def contracts(self, programme_2018: Programme) -> dict[str, Contract]:
        change_grow_live = self.ensure(
            Provider, name="Change Grow Live", defaults={"is_vcse": True}
        )
        compass = self.ensure(Provider, name="Compass", defaults={"is_vcse": True})
        lots = {lot.number: lot for lot in Lot.objects.filter(phase__programme=programme_2018)}
        contracts = {
            "adult": self.ensure(
                Contract,
                reference="WOPCC-DA-ADULT-2018",
                defaults={
                    "title": "Drugs and alcohol misuse service for adults in the criminal "
                    "justice system",
                    "provider": change_grow_live,
                    "lot": lots[4],
                    "starts_on": D(2018, 4, 1),
                    "ends_on": D(2023, 3, 31),
                    "extension_options_remaining": 0,
                    "status": Contract.Status.ENDED,
                },
            ),
            "youth": self.ensure(
                Contract,
                reference="WOPCC-DA-YOUTH-2018",
                defaults={
                    "title": "Drugs and alcohol misuse service for young people in the "
                    "criminal justice system",
                    "provider": compass,
                    "lot": lots[5],
                    "starts_on": D(2018, 4, 1),
                    "ends_on": D(2023, 3, 31),
                    "extension_options_remaining": 0,
                    "status": Contract.Status.ENDED,
                },
            ),
        }
        for contract in contracts.values():
            self.ensure(
                Commissioner,
                contract=contract,
                body=None,
                defaults={"role": Commissioner.Role.LEAD, "share": 100},
            )
        return contracts

    # -- the decision ----------------------------------------------------------------------

    def wpcc3_0058(
        self, template: DecisionTemplate, contracts: dict[str, Contract], programme: Programme
    ) -> Decision:
        from decisions.workflow import recording_past_steps

        existing = Decision.objects.filter(reference="WPCC3-0058").first()
        if existing is not None:
            return existing
        people = self.demo_people()
        officer = people["officer"]
        decision = Decision.start(
            template=template,
            by=officer,
            reference="WPCC3-0058",
            title="Joint-Commissioning of Drugs and Alcohol Misuse Services with "
            "Warwickshire County Council",
            author_name="Precious Williamson",
            author_job_role="Finance and Commissioning",
            lead_officers="Precious Williamson and Sara Ansell (Finance & Commissioning)",
            category=self.categories["Commissioning"],
            decision_maker=Decision.Maker.PCC,
            decision_maker_name="Philip Seccombe",
            decided_on=D(2022, 6, 15),
            signed_on=D(2022, 6, 29),
            summary=(
                "To commission drugs and alcohol misuse services for adults and for children "
                "and young people in the criminal justice system jointly with Warwickshire "
                "County Council from April 2024. As an interim measure, an exemption from the "
                "Finance and Contract Regulations extends the current contracts with Compass "
                "and Change Grow Live by twelve months, from 1 April 2023 to 31 March 2024, "
                "while the joint commissioning takes place."
            ),
        )
        self.created += 1
        for section in decision.sections.all():
            section.text = WPCC3_0058_TEXT.get(section.heading, "")
            if section.heading.startswith("Costs"):
                section.is_withheld = True
                section.exemption = Exemption.S43_2
                section.public_interest_statement = WPCC3_0058_COSTS_PUBLIC_INTEREST
            section._history_user = officer
            section.full_clean()
            section.save()
        decision._history_user = officer
        decision.contracts.add(*contracts.values())
        decision.programmes.add(programme)
        decision.refresh_confidentiality(by=officer)
        # The record's sign-offs, replayed through the workflow at the dates the seed gives:
        # the comments by 15 June 2022 (the date of the decision), signed on 29 June 2022.
        # The seed names neither the Treasurer nor the Monitoring Officer.
        steps = [
            (datetime.datetime(2022, 6, 15, 9, 0), decision.submit, {"by": officer}),
            (
                datetime.datetime(2022, 6, 15, 11, 0),
                decision.sign_off,
                {"by": people["treasurer"], "comments": WPCC3_0058_TREASURER},
            ),
            (
                datetime.datetime(2022, 6, 15, 14, 0),
                decision.comment,
                {"by": people["monitoring"], "comments": WPCC3_0058_MONITORING_OFFICER},
            ),
            (datetime.datetime(2022, 6, 29, 10, 0), decision.approve, {"by": people["pcc"]}),
            # The seed page gives no publication date; the signature date stands in for it.
            (
                datetime.datetime(2022, 6, 29, 16, 0),
                decision.publish,
                {"by": self.admin, "on": D(2022, 6, 29)},
            ),
        ]
        for at, step, arguments in steps:
            with recording_past_steps(at):
                step(**arguments)
        return decision

    def extensions(self, contracts: dict[str, Contract], decision: Decision) -> None:
        for contract in contracts.values():
            if contract.extensions.exists():
                continue
            contract.extend(
                new_end=D(2024, 3, 31),
                reason=(
                    "Twelve-month interim extension, 1 April 2023 to 31 March 2024, to align "
                    "with Warwickshire County Council's contracts for joint recommissioning."
                ),
                basis=Extension.Basis.EXEMPTION,
                by=self.admin,
                authorising_decision=decision,
            )
            self.created += 1

    # -- joint arrangements ----------------------------------------------------------------

    def partner(self, arrangement, body, role, positions) -> ArrangementPartner:
        partner = self.ensure(
            ArrangementPartner, arrangement=arrangement, body=body, defaults={"role": role}
        )
        for as_of, position, note in positions:
            self.ensure(
                PartnerPosition,
                partner=partner,
                as_of=as_of,
                position=position,
                defaults={"note": note},
            )
        return partner

    def arrangements(self, bodies, contracts, decision) -> None:
        wcc = bodies["Warwickshire County Council"]
        precedent = self.ensure(
            JointArrangement,
            title="Warwickshire domestic abuse support service",
            defaults={
                "subject": "Domestic abuse support",
                "description": (
                    "A service commissioned jointly by the office and Warwickshire County "
                    "Council. The office sits in its contract monitoring meetings; the same "
                    "team would manage the joint drugs and alcohol contract."
                ),
                "is_precedent": True,
            },
        )
        self.partner(
            precedent,
            wcc,
            Commissioner.Role.LEAD,
            [(D(2022, 6, 15), PartnerPosition.Position.COMMITTED, "In place and working well.")],
        )

        warwickshire = self.ensure(
            JointArrangement,
            title="Warwickshire drugs and alcohol joint commissioning",
            defaults={
                "subject": "Drugs and alcohol misuse services for people in the criminal "
                "justice system",
                "description": (
                    "Phase 2 of the recommissioning: the office and the County Council "
                    "procure together for services from April 2024, in an adult lot and a "
                    "youth lot."
                ),
            },
        )
        self.partner(
            warwickshire,
            wcc,
            Commissioner.Role.CO,
            [
                (
                    D(2022, 6, 15),
                    PartnerPosition.Position.COMMITTED,
                    "Supportive in principle; its own contracts run to the end of March 2024.",
                )
            ],
        )
        if not warwickshire.contracts.exists():
            warwickshire._history_user = self.admin
            warwickshire.contracts.add(*contracts.values())
        if not decision.arrangements.exists():
            decision._history_user = self.admin
            decision.arrangements.add(warwickshire)

        llr = self.ensure(
            JointArrangement,
            title="Leicester, Leicestershire and Rutland substance misuse recommissioning",
            defaults={
                "subject": "Substance misuse treatment services from 1 April 2022",
                "description": (
                    "The three councils, local Probation and the office set out to recommission "
                    "substance misuse treatment across Leicester, Leicestershire and Rutland. "
                    "The County Council and Rutland then decided, at directorate level, to go "
                    "ahead without the City Council; the office set out its concerns for the "
                    "Health Overview and Scrutiny committee. The seed paper is undated: the "
                    "dates here are illustrative."
                ),
            },
        )
        committed = PartnerPosition.Position.COMMITTED
        separate = PartnerPosition.Position.SEPARATE
        start, split = D(2021, 1, 4), D(2021, 6, 1)
        self.partner(
            llr,
            bodies["Leicester City Council"],
            Commissioner.Role.CO,
            [
                (start, committed, ""),
                (split, committed, "Still sees a joint approach across all three areas as best."),
            ],
        )
        for name in ("Leicestershire County Council", "Rutland County Council"):
            self.partner(
                llr,
                bodies[name],
                Commissioner.Role.CO,
                [
                    (start, committed, ""),
                    (
                        split,
                        separate,
                        "Decided at directorate level to proceed without the City Council.",
                    ),
                ],
            )
        self.partner(
            llr,
            bodies["Probation Service (Leicester, Leicestershire and Rutland)"],
            Commissioner.Role.FUNDER,
            [(start, committed, "")],
        )
        owner = "Head of Strategy and Commissioning, OPCC"
        risks = [
            (
                "Separate providers in the City and in the County and Rutland, complicating "
                "referrals and co-location for the police and other area-wide bodies.",
                Level.HIGH,
                Level.HIGH,
            ),
            (
                "Lost economies of scale without new money: a smaller offer, and probably no "
                "dedicated criminal justice team or specialist posts.",
                Level.HIGH,
                Level.HIGH,
            ),
            (
                "Disruption for service users moving from one service to two, and between "
                "them when they move home (161 such moves in the past year); staff transfer "
                "(TUPE) complexity, loss of specialists, and estates questions over the city "
                "centre site.",
                Level.HIGH,
                Level.MEDIUM,
            ),
            (
                "Existing services needing a 3 to 9 month extension while approaches change.",
                Level.HIGH,
                Level.MEDIUM,
            ),
        ]
        for description, likelihood, impact in risks:
            self.ensure(
                ArrangementRisk,
                arrangement=llr,
                description=description,
                defaults={
                    "likelihood": likelihood,
                    "impact": impact,
                    "owner": owner,
                    "mitigation": "Asks of the County Council to reconsider and to extend.",
                },
            )
        county = bodies["Leicestershire County Council"]
        for request in (
            "Reconsider the directorate's decision and meet senior representatives of the "
            "commissioning partners to see whether joint commissioning can still work.",
            "Consider extending the existing contracts to give time for that, or for partners "
            "to decide how to proceed.",
        ):
            self.ensure(
                PartnerAsk,
                arrangement=llr,
                of_body=county,
                request=request,
                defaults={"asked_on": split, "status": PartnerAsk.Status.OPEN},
            )

    # -- decisions part-way through sign-off -------------------------------------------------

    def demo_people(self) -> dict:
        User = get_user_model()
        return {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}

    def staged_decision(self, template, reference, fields, texts, steps, withheld=()):
        """A decision on the Warwickshire form taken through `steps` (each (when, method name,
        arguments)), unless it exists already."""
        from decisions.workflow import recording_past_steps

        existing = Decision.objects.filter(reference=reference).first()
        if existing is not None:
            return existing
        people = self.demo_people()
        officer = people["officer"]
        decision = Decision.start(
            template=template,
            by=officer,
            reference=reference,
            author_job_role="Commissioning Officer",
            lead_officers="Sara Ansell (Finance & Commissioning)",
            category=self.categories["Commissioning"],
            **fields,
        )
        self.created += 1
        for section in decision.sections.all():
            section.text = texts.get(section.heading, WPCC3_0058_TEXT.get(section.heading, ""))
            if section.heading in withheld:
                section.is_withheld = True
                section.exemption = Exemption.S43_2
                section.public_interest_statement = withheld[section.heading]
            section._history_user = officer
            section.full_clean()
            section.save()
        decision.refresh_confidentiality(by=officer)
        for at, method, arguments in steps:
            arguments = {
                name: people[value] if name == "by" else value for name, value in arguments.items()
            }
            with recording_past_steps(at):
                getattr(decision, method)(**arguments)
        return decision

    def workflow_stages(self, template: DecisionTemplate) -> None:
        from decisions.models import DecisionLink

        programme = Programme.objects.get(title="Victim services recommissioning 2022–24")
        arrangement = JointArrangement.objects.get(
            title="Warwickshire drugs and alcohol joint commissioning"
        )
        at = datetime.datetime
        # Waiting for the Treasurer.
        lot_1 = self.staged_decision(
            template,
            "WPCC3-0059",
            {
                "title": "Phase 1 victim services: award of Lot 1, general victim cope and "
                "recovery service",
                "summary": (
                    "To award the contract for Lot 1 of the Phase 1 victim services "
                    "procurement, the general victim cope and recovery service, to the bidder "
                    "ranked first in the evaluation, for services from 1 April 2023."
                ),
            },
            DEMO_LOT_1_TEXT,
            [(at(2023, 1, 12, 10, 0), "submit", {"by": "officer"})],
            withheld={"Costs (including any identified savings)": DEMO_BID_PRICES_WITHHELD},
        )
        # Signed off and commented on: waiting for the Commissioner.
        phase_2 = self.staged_decision(
            template,
            "WPCC3-0060",
            {
                "title": "Phase 2: joint procurement of drugs and alcohol services with "
                "Warwickshire County Council",
                "summary": (
                    "To procure drugs and alcohol services for adults and for young people in "
                    "the criminal justice system jointly with Warwickshire County Council, in "
                    "an adult lot and a youth lot, for services from 1 April 2024, as agreed "
                    "in principle in WPCC3-0058."
                ),
            },
            DEMO_PHASE_2_TEXT,
            [
                (at(2022, 11, 28, 9, 30), "submit", {"by": "officer"}),
                (
                    at(2022, 12, 1, 15, 0),
                    "sign_off",
                    {"by": "treasurer", "comments": DEMO_PHASE_2_TREASURER},
                ),
                (
                    at(2022, 12, 2, 11, 0),
                    "comment",
                    {"by": "monitoring", "comments": DEMO_PHASE_2_MONITORING_OFFICER},
                ),
            ],
        )
        # Returned to draft by the Treasurer, with comments.
        self.staged_decision(
            template,
            "WPCC3-0061",
            {
                "title": "Phase 1 victim services: award of Lot 5, restorative justice service",
                "summary": (
                    "To award the contract for Lot 5 of the Phase 1 procurement, the new "
                    "restorative justice service, for services from 1 April 2023."
                ),
            },
            DEMO_LOT_5_TEXT,
            [
                (at(2023, 1, 16, 10, 0), "submit", {"by": "officer"}),
                (
                    at(2023, 1, 18, 12, 0),
                    "return_to_draft",
                    {"by": "treasurer", "comments": DEMO_LOT_5_RETURNED},
                ),
            ],
        )
        for decision in (lot_1, phase_2):
            if not decision.programmes.exists():
                decision._history_user = self.admin
                decision.programmes.add(programme)
        if not phase_2.arrangements.exists():
            phase_2._history_user = self.admin
            phase_2.arrangements.add(arrangement)
        earlier = Decision.objects.get(reference="WPCC3-0058")
        self.ensure(
            DecisionLink,
            from_decision=phase_2,
            to_decision=earlier,
            kind=DecisionLink.Kind.FOLLOWS,
        )
