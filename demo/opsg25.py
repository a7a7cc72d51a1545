"""OPSG meeting 25, 1 October 2019: what the demo needs beyond the minutes.

`load_demo` builds the meeting by importing the text of the draft minutes as
circulated (OPSG_25_0110, imports/fixtures/opsg_25_minutes.txt), White under
the 2019 Panel Information Policy, so the public may be given them. What
that text cannot say comes from here: the committees, organisations and
classifications the import looks up, the corrections a secretary makes
after importing (where the links and the footnote's mark stood, which the
PDF's text loses and the import flags), and what the incident records hold
beyond the minutes."""

import datetime
from pathlib import Path

D = datetime.date

SOURCE = Path(__file__).resolve().parents[1] / "imports" / "fixtures" / "opsg_25_minutes.txt"
SOURCE_NAME = "OPSG_25_0110.txt"  # the name the import keeps the file under
MEETING_NUMBER = 25

OPSG = "OPSG"
TABASC = "TABASC"
LOCATION = "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ"
NEXT_MAIN_MEETING = D(2019, 11, 5)

COMMITTEES = [
    {
        "code": OPSG,
        "name": "Operations Group",
        "usual_location": LOCATION,
        # The quorum, as the Group's terms of reference might set it.
        "quorum": 5,
        "quorum_needs_chair": True,
    },
    {
        "code": TABASC,
        "name": "Technical Architecture and Business Architecture Sub-Committee",
        "usual_location": "",
    },
]

# Action owners and the bodies people represent. Addresses use the reserved
# .invalid domain so a demo install can never email a real organisation.
ORGANISATIONS = [
    {
        "short_name": "DCC",
        "name": "Data Communications Company",
        "contact_emails": "dcc@demo.invalid",
    },
    {
        "short_name": "SECAS",
        "name": "Smart Energy Code Administrator and Secretariat",
        "contact_emails": "secas@demo.invalid",
    },
    {
        "short_name": "DNOs",
        "name": "Distribution Network Operators",
        "is_group": True,
        "contact_emails": "dnos@demo.invalid",
    },
    {
        "short_name": "OPSG members",
        "name": "Members of the Operations Group",
        "is_group": True,
        "members_of": "OPSG",
        "contact_emails": "opsg-members@demo.invalid",
    },
    {"short_name": "DSP", "name": "Data Service Provider", "contact_emails": "dsp@demo.invalid"},
    {
        "short_name": "TABASC",
        "name": "Technical Architecture and Business Architecture Sub-Committee",
        "contact_emails": "tabasc@demo.invalid",
    },
    {
        "short_name": "Ofgem",
        "name": "Office of Gas and Electricity Markets",
        "contact_emails": "ofgem@demo.invalid",
    },
    {
        "short_name": "BEIS",
        "name": "Department for Business, Energy and Industrial Strategy",
        "contact_emails": "beis@demo.invalid",
    },
]

WHITE_2019 = ("White", D(2018, 1, 1))
WHITE_2021 = ("White", D(2021, 1, 1))

CLASSIFICATIONS = [
    {
        "label": "White",
        "colour": "#ffffff",
        "effective_from": WHITE_2019[1],
        "audience": "public",
        "may_be_published": True,
        "statement": (
            "This document is classified as White in accordance with the Panel Information "
            "Policy. Information can be shared with the public, and any members may publish "
            "the information, subject to copyright."
        ),
    },
    {
        "label": "White",
        "colour": "#ffffff",
        "effective_from": WHITE_2021[1],
        "audience": "parties",
        "may_be_published": False,
        "statement": (
            "This document is classified as White. Information can be shared with other SEC "
            "Parties and SMIP stakeholders at large, but not published (including publication "
            "online)."
        ),
    },
]

NEXT_MEETINGS = [{"kind": "main", "date": NEXT_MAIN_MEETING}]

# The draft went out a week after the meeting, 09:00 London time.
CIRCULATED_AT = (2019, 10, 8, 9, 0)

# Committee roles beyond plain membership, which every member line gets.
CHAIR = "Dave Warner"
SECRETARY = ("Veronica Asantewaa", "SECAS")

DP083_URL = "https://smartenergycodecompany.co.uk/modifications/change-coordination/"
CODEWORKS_URL = "https://smartenergycodecompany.co.uk/the-digital-smart-energy-code/"
SECMP0067_URL = (
    "https://smartenergycodecompany.co.uk/modifications/service-request-traffic-management/"
)
SECMP0062_URL = (
    "https://smartenergycodecompany.co.uk/modifications/"
    "northbound-application-traffic-management-alert-storm-protection/"
)

# Modifications the minutes mention, with their pages: references become links.
MODIFICATIONS = [
    ("DP083", "Change Coordination", DP083_URL),
    ("SECMP0067", "Service Request Traffic Management", SECMP0067_URL),
    (
        "SECMP0062",
        "Northbound Application Traffic Management - Alert Storm Protection",
        SECMP0062_URL,
    ),
]

# Corrections to what the import reads, each answering one of its flags.
# Paragraphs the PDF's text splits where the page did not, and the stray
# "0)" a cell of the attendance table left, which the import keeps at the
# head of item 1 and flags: (item, as read, as printed).
TEXT_FIXES = [
    ("1", "0)\n\nThe Chair welcomed", "The Chair welcomed"),
    ("11", "Traffic Management’.\n\nThis also included", "Traffic Management’. This also included"),
]

# Links: (item, the words around the link with its words in [brackets], target).
# The PDF's text lists a page's link targets but not which words carried them.
LINKS = [
    ("6", "scope of [Draft Proposal DP083: ‘Change Coordination’] submitted", DP083_URL),
    ("6", "scope of [DP083] to be resubmitted", DP083_URL),
    ("8", "encouraged to [register here].", CODEWORKS_URL),
    ("8", "feedback to [secas@gemserv.com].", "mailto:secas@gemserv.com"),
    ("11", "review for [SECMP0067 ‘Service Request Traffic Management’].", SECMP0067_URL),
    (
        "11",
        "for this ([SECMP0062 Northbound Application Traffic Management - Alert Storm Protection])",
        SECMP0062_URL,
    ),
]

# Footnotes the import keeps at the end of the item's narrative, not knowing
# where their mark stood: (item, decision's position in the item, the words
# the mark follows, the footnote's label).
FOOTNOTES = [("6", 0, "SIP4931", "1")]


# Both reviewed under item 4. The minutes give neither an occurrence date
# nor a categorisation, so those stay blank.
INCIDENTS = [
    {
        "reference": "INC000000478818",
        "title": "Service Requests timed out; Users had to resubmit 6.23 Service Requests",
        "service_provider": "DSP",
        "root_cause": (
            "Caused by a change made by the Service Provider to a critical component in the "
            "architecture. A separate Change of Supplier (CoS) Incident raised the day before "
            "should have been reopened instead of treating this as a new Incident; it was "
            "closed without a post-Incident review."
        ),
        "single_point_of_failure": "",
        "problem_records": "",
        "status": "resolved",
        "review": {
            "item": "4",
            "outcome": (
                "The OPSG noted that the initial Categorisation was too low and took too long "
                "to escalate, that the related CoS Incident should not have been closed without "
                "a post-Incident review, and that the Incident, caused by a change made by the "
                "Service Provider, should be reflected in the DSP Service Provider Reported "
                "Measures in the Performance Measurement Report. Publication of the Major "
                "Incident Review Report agreed subject to agreed revisions."
            ),
            "publish_report": True,
            "amendments": (
                "Reflect the requirement to resubmit timed-out Service Requests; include any "
                "business impact of the retries."
            ),
            # Item 4's decisions by their order in the item, and its actions.
            "decisions": [0, 1, 2],
            "actions": ["OPSG 25/03"],
        },
    },
    {
        "reference": "INC000000479406",
        "title": "Hardware single point of failure in system management",
        "service_provider": "DSP",
        "root_cause": "Incorrect routing, according to the DCC.",
        "single_point_of_failure": (
            "A hardware single point of failure, and the vulnerability of the system management "
            "functionality to it; the DCC confirmed both had been addressed."
        ),
        "problem_records": (
            "A Problem Record was raised to look at the single point of failure (its number is "
            "not given in the minutes); a DNO member asked for visibility of it."
        ),
        "status": "resolved",
        "review": {
            "item": "4",
            "outcome": (
                "The DCC confirmed the hardware single point of failure had been addressed and "
                "the DSP is monitoring the Problem Record. Publication of the Major Incident "
                "Review Report agreed subject to agreed revisions."
            ),
            "publish_report": True,
            "amendments": "",
            "decisions": [2],
            "actions": [],
        },
    },
]
