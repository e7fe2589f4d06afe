"""The first wording of the footer's information pages, so that a new site has all five.

The text is the register's own: an office reviews it and changes it in the admin. {office}
stands for the office's name (settings.OFFICE_NAME), filled in when a page is shown. A page
that already exists is left as it is, so running this again never overwrites an office's
wording.
"""

import datetime

from django.db import migrations
from django.utils import timezone

WRITTEN_ON = datetime.date(2026, 12, 7)

ACCESSIBILITY = """\
This statement applies to the commissioning decisions register of the {office}: the published decisions, the contract register, the open data files and the PDF copies of decision records on this website. The pages that staff use to keep the register are covered too.

We want as many people as possible to be able to use this website. You should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- zoom in up to 400% without the text spilling off the screen
- get from the start of the website to the end using just a keyboard
- use the website with speech recognition software
- listen to the website with a screen reader

The pages are built with the GOV.UK Design System, which is designed and tested to be accessible.

## How accessible this website is

We know some parts of this website are not fully accessible:

- some appendices to decisions are documents written by other organisations, and may not be accessible PDFs
- older decisions entered from paper records may include scanned documents
- we have not yet checked every page on a phone-sized screen, and some pages, in the staff area especially, may not fit one without scrolling sideways

## How we tested this website

We test the website automatically every time it changes. A browser opens the public pages and the staff pages and runs the axe-core accessibility checker against the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA, in a window 1,280 pixels wide (a laptop). Some pages, these information pages among them, are also checked in a window 375 pixels wide (a phone), where we check as well that the page does not scroll sideways.

Automated checks find only some kinds of problem. The website has not yet been audited by an accessibility specialist or tested with people who use assistive technology.

The PDF copy of each decision record is made by this website from the record's text, as a tagged PDF with headings, so that screen readers can read it.

## Compliance status

This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, because of the problems listed under 'How accessible this website is'.

## Feedback and reporting accessibility problems

If you find a problem that is not listed on this page, or you need information from this website in a different format, such as accessible PDF, large print, easy read, audio recording or braille, [contact us](/contact/). Tell us the web address of the page, what the problem is, and what format you need. We aim to reply within 10 working days.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, [contact the Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).

## Preparation of this statement

This statement was prepared on 7 December 2026. The date it was last reviewed is at the foot of this page.
"""

PRIVACY = """\
This notice explains what personal information the commissioning decisions register holds, why, and what your rights are. The {office} is the controller of this information.

## If you only read the public register

You do not need to sign in, and you are not asked for any information about yourself. This website does not set any cookie while you read the public register, and it does not use analytics or advertising services. The servers that run the website may keep a short technical log of requests (the web address asked for, when, and the address of the computer asking) so that faults and attacks can be investigated.

## What the register holds

- Decision records name the people involved in them: the author and lead officer, the decision maker, and the officers who give the statutory comments. Published decision records show these names and job titles, as the law on publishing decisions expects.
- Signatures record who signed a decision, in what role, and when.
- Staff who keep the register have an account with their name, username, e-mail address and role. Passwords are stored only in a form that cannot be read back.
- Each sign-in, and each failed attempt to sign in, is recorded with the username, the time, the address of the computer used and the name of the web browser, so that attempts to guess a password can be stopped.
- Every change to a record is kept in its history, with who made it and when, and the register keeps an audit log of who did what that cannot be changed afterwards.
- Contract, provider and partner records are about organisations. Their descriptions may mention people who work for those organisations.

Some decision records and appendices contain personal information that is not published. Such parts are withheld under the Freedom of Information Act 2000 and never shown on the public website.

## Why we hold it, and the lawful basis

We hold this information to carry out the Commissioner's public functions: to take decisions properly, to show who took and checked each one, and to publish the information the law requires a Police and Crime Commissioner to publish. The lawful basis is that the processing is needed for a task carried out in the public interest or in the exercise of official authority (UK GDPR Article 6(1)(e)). Keeping a record of sign-ins and changes is also needed to keep the register secure.

## How long we keep it

Published decision records, their signatures and their history are kept permanently, as part of the public record. Staff accounts are kept while the person works on the register. Records of sign-ins are kept for as long as the office needs them to keep the register secure. The office's retention schedule sets the details.

## Who we share it with

We do not sell personal information or share it for marketing. Published decision records are public. Other information is shared only where the law requires it, for example with auditors or regulators.

## Your rights

You have the right to ask for a copy of the personal information we hold about you, to have it corrected, and in some cases to object to its use or to have it deleted. To use these rights, [contact us](/contact/).

If you are unhappy with how we have used your information, you can complain to the [Information Commissioner's Office](https://ico.org.uk/make-a-complaint/).
"""

COOKIES = """\
Cookies are small files saved on your phone, tablet or computer when you visit a website.

## Reading the public register

This website does not set any cookie when you read the published decisions and contracts or download the open data. We do not use analytics or advertising cookies, and no other organisation sets cookies through this website.

## Signing in

Cookies are set only when someone opens the sign-in page, asks to reset a password or signs in, to keep the register secure. They are essential, so they do not need your consent.

- csrftoken: protects the sign-in page and staff forms from being submitted by another website. It expires after one year.
- sessionid: remembers that you have signed in. It expires when you close your browser, and the sign-in ends after 8 hours whatever happens.
- messages: carries a confirmation message, such as 'Decision published', from one staff page to the next. It expires when you close your browser, and is removed once the message is shown.

These cookies cannot be read by scripts on the page. On the live website they are sent only over a secure connection.

Failed sign-in attempts are recorded on the server, not in a cookie: the [privacy notice](/privacy/) explains what is kept.
"""

CONTACT = """\
## Contact the office

[Administrator: replace this paragraph with the office's postal address, e-mail address and telephone number, in the admin's Information pages.]

## How to make a freedom of information request

Many decisions and contracts are already published on this website. Before asking, search the [published decisions](/decisions/) and the [contract register](/contracts/).

You can ask the {office} for any information it holds, under the Freedom of Information Act 2000 (or, for information about the environment, the Environmental Information Regulations 2004). Your request must:

- be in writing, by e-mail or by post
- give your name and an address to reply to
- describe the information you want

You do not need to say why you want it. We will reply within 20 working days. If we withhold any of the information, we will tell you which exemption applies and why.

If you are unhappy with the reply, ask us for an internal review within 40 working days. If you are still unhappy after the review, you can complain to the [Information Commissioner's Office](https://ico.org.uk/make-a-complaint/).

To ask for personal information the office holds about you, see the [privacy notice](/privacy/).

## Feedback

This website is new and we are still improving it. Tell us what you think of it, or about anything that did not work, through the contact details above. If you found an accessibility problem, say so and give the web address of the page: the [accessibility statement](/accessibility/) says what happens next.
"""

OPEN_DATA = """\
Unless it says otherwise, the information published on this website by the {office} is available under the [Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). You may copy, publish, adapt and use it, for any purpose, as long as you acknowledge the source.

This covers:

- the published decision records and their PDF copies
- [all published decisions as JSON](/decisions.json)
- [the contract register as a spreadsheet (CSV)](/contracts.csv), with the columns of the Local Government Transparency Code 2015
- [the contracting data in the Open Contracting Data Standard (JSON)](/contracts/ocds.json)

## Please acknowledge the source

Use wording such as: Contains public sector information from the {office}, licensed under the Open Government Licence v3.0.

## What the licence does not cover

- personal information, such as the names of officers in decision records, which the licence does not cover: it is published so that decisions are accountable, not for reuse
- appendices and other documents written by other organisations, which may have their own copyright; a document says so where this applies
- any logo or emblem

Parts of some decisions are withheld under the Freedom of Information Act 2000 and are not published. The open data files are built from published information only.
"""

PAGES = [
    ("accessibility", "Accessibility statement", ACCESSIBILITY),
    ("privacy", "Privacy notice", PRIVACY),
    ("cookies", "Cookies", COOKIES),
    ("contact", "Contact us and freedom of information requests", CONTACT),
    ("open-data", "Open data licence", OPEN_DATA),
]


def create_pages(apps, schema_editor):
    """Each page of the set that is missing, with its first wording; existing pages untouched.

    Tests call it again (with the real apps) where a transactional test's flush emptied them."""
    InformationPage = apps.get_model("commissioning", "InformationPage")
    for topic, title, body in PAGES:
        if InformationPage.objects.filter(topic=topic).exists():
            continue
        # Saved one by one (not in bulk), so that each has its first version in the history.
        page = InformationPage.objects.create(
            topic=topic, title=title, body=body, last_reviewed=WRITTEN_ON
        )
        if not hasattr(InformationPage, "history"):
            # The migration's copy of the model is not tracked: its first version by hand.
            apps.get_model("commissioning", "HistoricalInformationPage").objects.create(
                id=page.pk,
                topic=topic,
                title=title,
                body=body,
                last_reviewed=WRITTEN_ON,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="The register's first wording.",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0003_information_pages"),
    ]

    operations = [
        migrations.RunPython(create_pages, migrations.RunPython.noop),
    ]
