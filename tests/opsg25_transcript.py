"""OPSG meeting 25, 1 October 2019, as the hand-built demo held it: the draft
minutes as circulated (OPSG_25_0110), transcribed by hand from the PDF the
SEC published. `load_demo` now builds the meeting by importing the shipped
text of that PDF (imports/fixtures/opsg_25_minutes.txt); the tests hold what
it builds to this transcription, field by field.

Narratives are Markdown as a secretary would type them. Decision sentences
("The OPSG AGREED …") and ACTION lines are left out of the narratives: they
are Decision and Action rows, rendered in their own place. The PDF's action
references 25/110, 25/121 … 25/187 are renumbering leftovers for 25/11 …
25/18."""

import datetime
from inspect import cleandoc as md

D = datetime.date

# What the demo adds to the minutes' text, written out here again rather
# than read from demo/opsg25.py, the module these expectations check.
CIRCULATED_AT = (2019, 10, 8, 9, 0)
CLASSIFICATIONS = [
    {
        "label": "White",
        "colour": "#ffffff",
        "effective_from": D(2018, 1, 1),
        "audience": "public",
        "may_be_published": True,
        "statement": "This document is classified as White in accordance with the Panel Information "
        "Policy. Information can be shared with the public, and any members may "
        "publish the information, subject to copyright.",
    },
    {
        "label": "White",
        "colour": "#ffffff",
        "effective_from": D(2021, 1, 1),
        "audience": "parties",
        "may_be_published": False,
        "statement": "This document is classified as White. Information can be shared with other "
        "SEC Parties and SMIP stakeholders at large, but not published (including "
        "publication online).",
    },
]
CODEWORKS_URL = "https://smartenergycodecompany.co.uk/the-digital-smart-energy-code/"
DP083_URL = "https://smartenergycodecompany.co.uk/modifications/change-coordination/"
INCIDENTS = [
    {
        "reference": "INC000000478818",
        "title": "Service Requests timed out; Users had to resubmit 6.23 Service Requests",
        "service_provider": "DSP",
        "root_cause": "Caused by a change made by the Service Provider to a critical component in "
        "the architecture. A separate Change of Supplier (CoS) Incident raised the "
        "day before should have been reopened instead of treating this as a new "
        "Incident; it was closed without a post-Incident review.",
        "single_point_of_failure": "",
        "problem_records": "",
        "status": "resolved",
        "review": {
            "item": "4",
            "outcome": "The OPSG noted that the initial Categorisation was too low and took "
            "too long to escalate, that the related CoS Incident should not have "
            "been closed without a post-Incident review, and that the Incident, "
            "caused by a change made by the Service Provider, should be reflected "
            "in the DSP Service Provider Reported Measures in the Performance "
            "Measurement Report. Publication of the Major Incident Review Report "
            "agreed subject to agreed revisions.",
            "publish_report": True,
            "amendments": "Reflect the requirement to resubmit timed-out Service Requests; "
            "include any business impact of the retries.",
            "decisions": [0, 1, 2],
            "actions": ["OPSG 25/03"],
        },
    },
    {
        "reference": "INC000000479406",
        "title": "Hardware single point of failure in system management",
        "service_provider": "DSP",
        "root_cause": "Incorrect routing, according to the DCC.",
        "single_point_of_failure": "A hardware single point of failure, and the vulnerability of "
        "the system management functionality to it; the DCC confirmed "
        "both had been addressed.",
        "problem_records": "A Problem Record was raised to look at the single point of failure (its "
        "number is not given in the minutes); a DNO member asked for visibility "
        "of it.",
        "status": "resolved",
        "review": {
            "item": "4",
            "outcome": "The DCC confirmed the hardware single point of failure had been "
            "addressed and the DSP is monitoring the Problem Record. Publication "
            "of the Major Incident Review Report agreed subject to agreed "
            "revisions.",
            "publish_report": True,
            "amendments": "",
            "decisions": [2],
            "actions": [],
        },
    },
]
LOCATION = "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ"
NEXT_MAIN_MEETING = D(2019, 11, 5)
NEXT_MEETINGS = [{"kind": "main", "date": D(2019, 11, 5)}]
OPSG = "OPSG"
SECMP0062_URL = "https://smartenergycodecompany.co.uk/modifications/northbound-application-traffic-management-alert-storm-protection/"
SECMP0067_URL = (
    "https://smartenergycodecompany.co.uk/modifications/service-request-traffic-management/"
)
TABASC = "TABASC"
WHITE_2019 = ("White", D(2018, 1, 1))

__all__ = [
    "ACTIONS_REVIEWED",
    "APOLOGIES",
    "CLASSIFICATIONS",
    "CODEWORKS_URL",
    "DP083_URL",
    "INCIDENTS",
    "ITEMS",
    "LOCATION",
    "MEETING",
    "MEMBERS",
    "NEXT_MAIN_MEETING",
    "NEXT_MEETINGS",
    "PARTICIPANTS",
    "SECMP0062_URL",
    "SECMP0067_URL",
]

MEETING = {
    "committee": OPSG,
    "number": 25,
    "kind": "main",
    "date": D(2019, 10, 1),
    "start_time": datetime.time(10, 0),
    "end_time": datetime.time(17, 0),
    "location": LOCATION,
    "classification": WHITE_2019,
    "status": "circulated",
    "circulated_at": CIRCULATED_AT,
}


def _person(name, organisation=None, *, alternate=False, remote=False, part=False, role=""):
    return {
        "name": name,
        "organisation": organisation,
        "is_alternate": alternate,
        "remote": remote,
        "part": part,
        "role": role,
    }


# (category, people) in the order the minutes print them. Members' employers
# are not given in the minutes, except the DCC's own members.
MEMBERS = [
    ("Operations Group Chair", [_person("Dave Warner")]),
    ("DCC", [_person("Mo Asif", "DCC"), _person("Alex Henighan", "DCC")]),
    (
        "Network Party",
        [_person("Gemma Slaney"), _person("Liam Cowe", alternate=True, remote=True)],
    ),
    (
        "Large Supplier",
        [
            _person("Tony Shanahan"),
            _person("John Noad", alternate=True, remote=True),
            _person("Nassar Zeb"),
            _person("Rochelle Harrison"),
            _person("Zoe Marklew"),
            _person("Joey Manners"),
            _person("Yvonne Mackenzie", alternate=True),
            _person("Tracey Pack", alternate=True),
        ],
    ),
    ("Small Supplier", [_person("Kate Barnes")]),
    ("Other SEC Party", [_person("Elias Hanna")]),
]

# (body represented, people).
PARTICIPANTS = [
    (
        "DCC",
        [
            _person("Wendy Liddell", "DCC"),
            _person("Courtney O’Connor", "DCC"),
            _person("Darren Robbins", "DCC"),
            _person("Ian Brown", "DCC", part=True),
            _person("Brad Myers", "DCC", part=True, remote=True),
            _person("Gary Fairclough", "DCC", part=True, remote=True),
            _person("Rob Dickson", "DCC", part=True, remote=True),
            _person("Wendy Lamb", "DCC", part=True, remote=True),
        ],
    ),
    ("DSP", [_person("Graham Spenceley", "DSP", part=True)]),
    (
        "SECAS",
        [
            _person("Alan Bateman", "SECAS", part=True),
            _person("Tim Hall", "SECAS"),
            _person("Huw Exley", "SECAS"),
            _person("Veronica Asantewaa", "SECAS", role="Meeting Secretary"),
            _person("Fiona Chestnutt", "SECAS", part=True),
            _person("Harry Jones", "SECAS", part=True),
            _person("Bradley Baker", "SECAS", part=True),
            _person("David Kemp", "SECAS", part=True),
            _person("Robin Healey", "SECAS", part=True),
        ],
    ),
    ("TABASC", [_person("Julian Hughes", "TABASC")]),
    ("Ofgem", [_person("Michael Walls", "Ofgem", remote=True)]),
    ("BEIS", [_person("Natasha Free", "BEIS"), _person("Fahad Akhter", "BEIS", remote=True)]),
]

APOLOGIES = [
    ("Other SEC Party", [_person("Geoff Huckerby"), _person("Tom Woolley")]),
    ("Small Supplier", [_person("Simon Dowse"), _person("Heidi Wilbor")]),
]


def _decision(verb, text, points=(), first_point_number=1):
    return {
        "verb": verb,
        "text": text,
        "points": list(points),
        "first_point_number": first_point_number,
    }


def _action(reference, owners, text, target_date=None):
    """target_date None: due by the next meeting, as the minutes' practice has it."""
    return {"reference": reference, "owners": owners, "text": text, "target_date": target_date}


ITEMS = [
    {
        "number": "1",
        "title": "Previous Meeting Minutes",
        "standing": "previous_minutes",
        "narrative": md(
            """
            The Chair welcomed the Members to the 25th Operations Group (OPSG) meeting and invited comments on the Draft Minutes from OPSG_24.

            No comments were made.
            """
        ),
        "decisions": [_decision("AGREED", "that the minutes would be published as final.")],
    },
    {
        "number": "2",
        "title": "Panel Feedback Report",
        "narrative": md(
            """
            SECAS provided the OPSG with the following outcomes from the September Panel meeting:

            1. Managed Service Providers will need to support the Supplier of Last Resort (SoLR) process and SECAS will take this forward
            2. The SEC strategic plan will be published on the SEC website
            3. The requests to host device operating manuals on the SEC website was approved
            4. A Modification is now being raised to allow SECAS to raise Modifications on behalf of the Panel.
            """
        ),
    },
    {
        "number": "3",
        "title": "Actions Outstanding",
        "standing": "actions_outstanding",
        "narrative": md(
            """
            SECAS presented the actions outstanding table from OPSG_24. Actions were noted as completed where appropriate. It was noted that a number of actions had not been completed by the target date and new deadlines for these actions were set.
            """
        ),
        "actions": [
            _action(
                "OPSG 25/01",
                ["DCC"],
                "DCC to track the progress of DNO members experience following the change to the Incident Management System.",
            ),
            _action(
                "OPSG 25/02",
                ["SECAS"],
                "SECAS to transfer Action OPSG 24/06 to the TABASC to action.",
            ),
        ],
    },
    {
        "number": "4",
        "title": "Major Incidents",
        "standing": "major_incidents",
        "narrative": md(
            """
            SECAS presented its review of the Major Incident Review Reports for Incidents INC000000478818 and INC000000479406 to the OPSG.

            ### INC000000478818

            The TABASC Chair questioned why Users had to resubmit their 6.23 Service Requests once the service has been restored, asking why this could not be completed by the DCC. The Data Service Provider (DSP) explained that once Service Requests had timed out, and a time out notification received, Users are required to resubmit Service Requests themselves.

            A separate Change of Supplier (CoS) Incident relating to INC000000478818 was raised the day before and OPSG members questioned why this was not reopened instead of treating INC000000478818 as a new Incident. The OPSG suggested that the original Incident was incorrectly closed, noting that a post-Incident review did not take place.

            The OPSG acknowledged that escalation of the Incident Category took a long time and it believes the initial Categorisation was too low considering the Incident was caused by a critical component in the architecture. The DCC explained that the Incident duration starts from the moment that the Incident is raised. The OPSG acknowledged that this Incident had been caused by a change and this should be reflected in DSP Service Provider Reported Measures in the Performance Measurement Report.

            ### INC000000479406

            In response to questions from the Chair, the DCC confirmed that the hardware single point of failure this Incident had revealed had been addressed and that the vulnerably of the system management functionality to this failure had also been addressed.

            The DCC explained that the routing was incorrect and there was a Problem Record raised to look at the single point of failure, and the Data Service Provider (DSP) is monitoring this closely.

            A DNO member stated that they have requested visibility of the Problem Record for this Incident and that this had still not been addressed by the DCC. The DCC explained that not all Users can access Problem Records unless it affects them directly, due to SEC obligation H9.5 The DCC stated that a SEC Modification may be required for Problem Records to be accessible for all Users but would ensure the member in question gains sight of the Problem Record.

            The OPSG was informed that the CSP C&S external audit had been completed and that the CSP would attend the November OPSG meeting to discuss findings and plans. The Chair asked that the OPSG be provided with the audit Terms of Reference. The DCC agreed to consider the request.

            SECAS highlighted that the quality of the Major Incident Reports from the DCC had improved significantly in the last few months and members endorsed this view.
            """
        ),
        "decisions": [
            _decision(
                "NOTED",
                "that:",
                [
                    "SECAS should ensure that the requirement to resubmit Service Requests when they have timed out should be reflected in the report prior to publication [Post meeting note: the need to resubmit is clearly stated in the original report submitted by the DCC].",
                    "Any impact to business caused by the retries should be included in the report.",
                ],
            ),
            _decision(
                "NOTED",
                "that:",
                [
                    "The Change of Supplier (CoS) Incident relating to INC000000478818 should not have been closed and a post-Incident review should have taken place.",
                    "The initial Categorisation of the Incident was too low, and it took too long to escalate it.",
                    "The Incident was caused by a change made by the Service Provider and this should be reflected in the DSP Service Provider Reported Measures in the Performance Measurement Report.",
                ],
                first_point_number=3,
            ),
            _decision(
                "AGREED",
                "to publish both Major Incident Review Reports for INC000000478818 and INC000000479406 subject to agreed revisions.",
            ),
        ],
        "actions": [
            _action(
                "OPSG 25/03",
                ["SECAS"],
                "SECAS to confirm to the DCC what amendments, if any, need to be made to the report for INC000000478818 regarding Service request time out notifications.",
            ),
            _action(
                "OPSG 25/04",
                ["DCC"],
                "DCC to provide the OPSG with the Terms of Reference for the CSP C&S external audit as soon as possible.",
            ),
        ],
    },
    {
        "number": "5",
        "title": "DCC Operational Update",
        "narrative": md(
            """
            The DCC explained that it now has a more robust system for managing Incidents, in which it produces Priority Incident Reports (PIRs) and issue communications; the same approach is used for SMETS1 Incidents as well.

            The DCC explained that the Mass Over The Air (OTA) upgrade for Release 1 for Toshiba 12.29 has not begun and is currently going through assurance.

            A Large Supplier (LS) member questioned whether it would be possible to include a metric showing vend success rates for prepayment Devices. The DCC agreed that it would consider adding this to future updates.

            The OPSG noted that 29% of SMETS1 migrations had been unsuccessful and that this seemed like a high figure. The Chair questioned whether this was to be expected going forward with future Device Model Combinations (DMC). The DNO explained that this was only for a particular Device type of dormant meters and the migration success rates for future cohorts cannot be extrapolated from this.

            The DCC also provided an update on the Release 2 Dual Band Communication Hub (CH) Plan, a LS member noted that they had not been notified when they will be receiving the WNC CHs. The DCC stated that they will confirm the dates to Users as soon as possible.
            """
        ),
        "decisions": [_decision("NOTED", "the update.")],
        "actions": [
            _action(
                "OPSG 25/05",
                ["DCC"],
                "The DCC to add a metric to its November operational update showing the number of successful Prepayment vends.",
            ),
            _action(
                "OPSG 25/06",
                ["DCC"],
                "DCC to update Users with the date when they will receive WNC DB CHs.",
            ),
        ],
    },
    {
        "number": "6",
        "title": "Self-Service Interface",
        "narrative": md(
            f"""
            OPSG members raised that they were not willing to approve the proposed Service Improvement Proposals (SIPs) as several SIP items were apparently within the scope of [Draft Proposal DP083: ‘Change Coordination’]({DP083_URL}) submitted by the DCC.

            The Chair requested that, as previously requested, the DCC provide the estimated cost of each individual SIP; the T-Shirt size pricing is not sufficient. The DCC agreed it would submit these cost estimates.

            More generally, the OPSG asked the DCC to revise the submission to remove overlap with the scope of [DP083]({DP083_URL}) to be resubmitted by 8 October.
            """
        ),
        "decisions": [
            # The minutes footnote SIP4931 in this sentence; the footnote
            # travels with the decision so it renders wherever the decision does.
            _decision(
                "ENDORSED",
                md(
                    """
                    proposal SIP4931[^1], subject to the provision by the DCC of a cost estimate.

                    [^1]: Enable customers to be able to put updates on Service Requests via SSI
                    """
                ),
            ),
        ],
        "actions": [
            _action(
                "OPSG 25/07",
                ["DCC"],
                "The DCC to resubmit its SSI improvement proposal by 8 October. In the resubmission, the DCC should remove: the duplication of the scope of Draft Proposal DP083: ‘Change Coordination’, with its SSI improvement proposal; and should provide individual cost estimates for each SIP included.",
                D(2019, 10, 8),
            ),
        ],
    },
    {
        "number": "7",
        "title": "Customer Perspective",
        "narrative": "None proposed.",
    },
    {
        "number": "8",
        "title": "CodeWorks – the digital SEC",
        "narrative": md(
            f"""
            The OPSG was introduced to a digitised, searchable version of the SEC; a short demonstration was provided, and members were encouraged to [register here]({CODEWORKS_URL}).

            SECAS informed members that the original PDF versions of the SEC would remain accessible via the SEC website. SECAS asked members to submit any feedback to [secas@gemserv.com](mailto:secas@gemserv.com). Members supported the implementation of this new format of the SEC.
            """
        ),
        "decisions": [_decision("NOTED", "the update.")],
        "actions": [
            # The minutes name SECAS first, so SECAS owns it, though members give the feedback.
            _action(
                "OPSG 25/08",
                ["SECAS"],
                "SECAS asked members to submit any feedback on digitalised SEC to secas@gemserv.com.",
            ),
        ],
    },
    {
        "number": "9",
        "title": "Work Package - Q3 2019 submission (Oct – Dec)",
        "narrative": md(
            """
            SECAS presented the OPSG Quarterly Work Package outlining the proposed resource and budget required for the running of the OPSG from October – December 2019.
            """
        ),
        "decisions": [_decision("RECOMMENDED", "the work package for SECCo Board approval.")],
    },
    {
        "number": "10",
        "title": "New Draft Proposals and Modification Proposals",
        "narrative": "",
        "decisions": [
            _decision(
                "NOTED",
                "that none of the Draft Proposals and Modification Proposals presented were of interest operationally.",
            )
        ],
    },
    {
        "number": "11",
        "title": "SECMP0067 Business Case",
        "narrative": md(
            f"""
            SECAS presented a Business Case review for [SECMP0067 ‘Service Request Traffic Management’]({SECMP0067_URL}). This also included a summary of the proposed solution to throttle Service Requests. Members were informed that each User would be allocated its own Service Capacity if the mechanism is implemented: this would only be relevant if the total service capacity were being utilised.

            The OPSG was asked to review the proposed list of Service Requests that will not be subject to throttling to gauge whether any Service Requests should be added or removed. No changes were identified by OPSG Members in the meeting.

            SECAS explained that if the Modification is approved, the TABASC will have responsibility for maintaining the list and that additions and removals will not require a new Modification. The TABASC Chair informed the OPSG that the proposed throttling mechanism would only be in effect for perhaps a second at a time. OPSG members agreed that it was important to clarify exactly how long throttling could take place for. Longer periods than the second or so anticipated could result in an operational risk.

            The Chair of TABASC commented that the throttling envisaged should not affect the achievement of the existing SLAs. The OPSG asked that this be made explicit during the consideration of the Modification.

            A LS Member noted that the calculation of threshold matrices formula in the Preliminary Assessment needed further explanation as all variables are not clearly defined and requested that it is updated.

            A LS member asked whether this Modification also includes Alerts. SECAS explained that it does not and that there is a separate Modification in place for this ([SECMP0062 Northbound Application Traffic Management - Alert Storm Protection]({SECMP0062_URL})).

            The OPSG Chair noted that operational impact caused by throttling should be kept under review during the consideration of the Modification.

            SECAS noted the operational risks raised and will ensure the OPSG comments are relayed to the SEC Change Working Group.
            """
        ),
        "decisions": [_decision("NOTED", "the update.")],
        "actions": [
            _action(
                "OPSG 25/09",
                ["SECAS"],
                "SECAS to relay OPSG comments on SECMP0067 to the SEC Change Working Group.",
            ),
            _action(
                "OPSG 25/10",
                ["DCC"],
                "The DCC to update the threshold matrices formula in the Preliminary Assessment of Modification SECMP0067 to include further explanation of all variables.",
            ),
        ],
    },
    {
        "number": "12",
        "title": "SEC 2020 November Release",
        "narrative": md(
            """
            SECAS presented the scope for the SEC 2020 November Release.

            A LS member requested that the Schedule 8 title Great Britain Companion Specification (GBCS) document be added to the SEC impact matrix.

            The OPSG asked that the Acceptance Criteria related to operational readiness be developed further.
            """
        ),
        "decisions": [
            # One sentence in the minutes: "The OPSG DISCUSSED … and AGREED to …".
            _decision(
                "DISCUSSED",
                "the provisional scope on the DCC Systems for the June 2020 and November 2020 SEC Releases and the draft Release Implementation Documents.",
            ),
            _decision("AGREED", "to submit any further comments to SECAS as soon as possible."),
        ],
        "actions": [
            _action(
                "OPSG 25/11",
                ["SECAS", "DCC"],
                "SECAS and the DCC to extend the Acceptance Criteria for operational readiness",
            ),
            # "As soon as possible": no date, so the next meeting stands as the target.
            _action(
                "OPSG 25/12",
                ["OPSG members"],
                "OPSG to submit any further comments on SEC 2020 November Release as soon as possible",
            ),
        ],
    },
    {
        "number": "13",
        "title": "SMETS1 and November Release Governance",
        "narrative": md(
            """
            Schedules for the governance steps for the next phase of SMETS1 migrations and the November 2019 Release were set out by SECAS. These will lead to the OPSG making its recommendation for both of these Releases at its 5 November meeting.

            The OPSG raised concerns that the DCC has scheduled the same ‘Go Live’ date of 24 November 2019 for the next phase of SMETS1 migrations and the November 2019 Release. The OPSG requested that DCC produce a risk assessment of this strategy for consideration during the assessments of readiness The DCC agreed to provide this.
            """
        ),
        "decisions": [
            _decision(
                "AGREED",
                "the governance schedule for undertaking OPSG decisions for SMETS1 migrations and the November 2019 Release.",
            )
        ],
        "actions": [
            _action(
                "OPSG 25/13",
                ["DCC"],
                "DCC to produce a risk assessment for having the same Go-live date for the next phase of SMETS1 migrations and the November 2019 Release.",
            ),
        ],
    },
    {
        "number": "14",
        "title": "Problem Management Strategy",
        "narrative": md(
            """
            The DCC presented an improved strategy for managing Problems.

            A LS member highlighted that they need a higher level “Problem Record per User” to facilitate their working procedures. The DCC agreed to look into the possibility of providing this.

            The DNO members pointed out that they have a different set of requirements to Suppliers and this should not be overlooked.

            The DCC explained that, currently, once mitigating actions have been completed, Problem Records are closed but it does not believe this should be the case and will be working to change this.

            The DCC agreed to canvas Users for their views on a per User Problem Record and for other suggestions.
            """
        ),
        "actions": [
            _action(
                "OPSG 25/14",
                ["DCC"],
                "DCC to canvas Users for their views on a per User Problem Record and for other suggestions.",
            ),
        ],
    },
    {
        "number": "15",
        "title": "Operational Metrics – Project Brief",
        "narrative": md(
            """
            SECAS presented an extended version of the Project Brief for the Review of Operational Metrics Project.

            SECAS stated that the Project will be driven by User business requirements. SECAS noted that it will be engaging with Ofgem to ensure any views from them are taken into account.

            The OPSG requested that milestones and staff effort per month be added to the brief so that members can track the project’s progress. SECAS stated that these will be included.
            """
        ),
        "decisions": [
            _decision("RECOMMENDED", "the Project Brief for SEC Panel and SECCo Board approval.")
        ],
        "actions": [
            _action(
                "OPSG 25/15",
                ["SECAS"],
                "SECAS to add milestones and staff effort per month to the Operational Metrics Project Brief.",
            ),
        ],
    },
    {
        "number": "16",
        "title": "Alerting and Aged Incidents",
        "narrative": md(
            """
            The DCC presented slides describing the multiple issues surrounding Alerts and the increasing number of aged Incidents.

            ### Aged Incidents

            SECAS highlighted that the reporting of Aged Incidents is not consistent. The DCC replied that some incidences, such as incomplete CH installations, are not being reported as Incidents uniformly by CSP C&S and CSP N, leading to these discrepancies.

            The OPSG stated that if Users do not comply with the SEC requirement for installing the correct CH Variant, then this should be escalated to the SEC Panel. The SEC Panel could then choose to write to these Users, asking them to meet their obligations under the SEC. The Chair agreed and added that it was necessary to have confidence in the data before such action is taken. The DCC stated that it is still investigating this issue and are engaging with Users to encourage them to change their behaviour.

            A LS member explained that when they connect a new energy supply, a further Incident type is needed and since no address file is available, an early load of the file onto the network would aid them in this.

            The OPSG noted that the issue of Incorrect Credentials needed to be separated into different categories differentiating between missing certificates and incorrect certificates. Members were informed that there is a SEC Modification underway to address this issue, but this will only correct a very small proportion of the errors.

            ### Alerts

            The TABASC Chair informed members that the current volume of Alerts could be handled by the DCC system, since actual service request volumes are still low. However, if the increase in the volume of alerts is not contained there will at some point be an impact on the DCC Service.

            On the issue of the high volume of 8F3E alerts, a LS member raised that one Device type is currently not producing these and that when this issue is fixed, a large spike in these alerts will occur exacerbating the issue further. The majority of these are coming from Gas Proxy Functions (GPF) and once this issue is resolved, the number should fall sharply.

            The DCC informed members that two Service Users were responsible for the majority of 8014 and 8015 alerts and once they have upgraded their firmware Over the Air, this number will drop. A DNO member was sceptical as to whether the proposed approach would be effective.

            The Chair asked who was managing these issues. BEIS informed members that the issues are being considered at the Top Issues Forum, but they are considering them from the technical perspective not an operational perspective.
            """
        ),
        "post_meeting_note": (
            "The Chair asked that SECAS work with the DCC to define the requirements for monthly "
            "reporting on Alerts to the OPSG, with this reporting to commence at OPSG meeting 26."
        ),
        "decisions": [
            _decision(
                "AGREED",
                "that the issue of increasing number of Aged Incidents and Alerts issues will be added to the OPSG Issues Log and overseen by the OPSG.",
            )
        ],
        "actions": [
            _action(
                "OPSG 25/16",
                ["SECAS"],
                "SECAS to add Alerts issues and aged Incidents to the OPSG Issues Log",
            ),
        ],
    },
    {
        "number": "17",
        "title": "CH Exceptions",
        "narrative": md(
            """
            OPSG stated that it was still not clear how exceptions were agreed, and what each type of exception means.

            The OPSG identified that the exceptions list does not inform the Users that an issue has been raised.

            The Chair suggested that unless an Incident was opened against an exception, it should not be included in the list. Members suggested that this proposal could have the desired effect, however, the DCC suggested that this might generate large volumes of work and might be impractical.
            """
        ),
        "decisions": [
            _decision(
                "AGREED",
                "that the issue of CH Exceptions should be added to the OPSG Issues Log.",
            )
        ],
        "actions": [
            _action(
                "OPSG 25/17",
                ["SECAS"],
                "SECAS to add the issue of CH Exceptions to the OPSG Issues Log.",
            ),
        ],
    },
    {
        "number": "18",
        "title": "Issues",
        "narrative": md(
            """
            The OPSG reviewed the open issues on the Data Quality Issues Sub-Group (DQISG) list. Members agreed to close the issue of ‘Incorrect Labelling In Legacy Systems’ and ‘Ability to Change Device Status’ as this is a minor issue with very little to no operational impact; any resolution for which would be complex.

            OPSG members were asked to provide comments on further candidate issues by 15 October.
            """
        ),
        # "The OPSG: 1. AGREED …; 2. NOTED …; and 3. AGREED …": one decision a
        # point, each ending as a sentence of its own.
        "decisions": [
            _decision(
                "AGREED",
                "to close Issues ‘Incorrect Labelling In Legacy Systems’ and ‘Ability to Change Device Status’.",
            ),
            _decision("NOTED", "that the work on the Data Quality Issues was almost complete."),
            _decision("AGREED", "the remaining matters should be transferred the OPSG Issues Log."),
        ],
        "actions": [
            _action(
                "OPSG 25/18",
                ["OPSG members"],
                "OPSG members to provide comments on candidate issues by 15 October.",
                D(2019, 10, 15),
            ),
        ],
    },
    {
        "number": "19",
        "title": "Revised 2020 Meeting Dates",
        "narrative": md(
            """
            The OPSG was provided with the revised meeting dates for its monthly meetings from January to December 2020 including the additional reporting teleconference meeting dates.
            """
        ),
        "decisions": [_decision("AGREED", "the proposed meeting dates scheduled for 2020.")],
    },
    {
        "number": "20",
        "title": "Any Other Business (AOB)",
        "standing": "aob",
        "narrative": "No additional items of business were raised, and the OPSG Chair closed the meeting.",
    },
]

# The Actions Outstanding table from OPSG_24, reviewed under item 3, in its
# order. "N/A" in Revised Target Date is a blank revised target.
ACTIONS_REVIEWED = [
    {
        "reference": "OPSG 11/02",
        "text": "The DCC to update and publish its Incident Management process with the inclusion of DNO Incidents and share with OPSG within 10 working days of OPSG_11.",
        "raised_on": D(2018, 8, 28),
        "last_target_date": D(2019, 9, 13),
        "revised_target_date": None,
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            The DCC explained it has reviewed its Incident process and has a new triage process for the reassignment of Incidents. Following Sprint 17 a second triage has been added with a new status to address Incidents raised by Distribution Network Operator (DNO) members.

            This action has been closed and will be superseded by a new action (OPSG 25/01) to track the experiences of DNO members following implementation of this new process.
            """
        ),
        "status": "closed",
        "outcome": "superseded",
        "superseded_by": "OPSG 25/01",
    },
    {
        "reference": "OPSG 20/06",
        "text": "DCC to confirm how the ‘Power Outage Events’ Performance Measures are defined and if they are being reported correctly for the measurement period.",
        "raised_on": D(2019, 5, 7),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": None,
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            The DNO member confirmed that they understand how the ‘Power Outage Events’ Performance Measures are defined and agreed with the DCC that it is being reported correctly, however more work is required on the end to end process. The OPSG agreed that this will be investigated as part of the Operational Metrics Project.
            """
        ),
        "status": "closed",
        # The remaining work went into the Operational Metrics Project.
        "outcome": "absorbed",
    },
    {
        "reference": "OPSG 23/05",
        "text": "The DCC to clarify the exact meaning, interpretation, and reporting of Service Provider Performance Measure 2 Code Performance Measure 1.",
        "raised_on": D(2019, 8, 6),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            The DCC confirmed that the Service Provider Performance Measure 2 Code Performance Measure 1 only applies to meter firmware upgrades and not Communication Hubs. The DCC informed members that it will also confirm this in writing by the November meeting.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 23/06",
        "text": "DCC to produce a remediation plan for improvement of CPM 1, with dates for when compliance with the SLA will be achieved and ensure that CSP N is included.",
        "raised_on": D(2019, 8, 6),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            The Technical Architecture and Business Architecture Sub-Committee (TABASC) Chair raised concerns that the DCC is not challenging the processes proposed by the CSPs. SECAS added that the updated process for Users to follow will need to be clear. The DCC confirmed that this item will be discussed at the end of October with two separate workshops scheduled including CSPs. The DCC anticipate that the Green status will be achieved by the end of the year, although that is dependent on Users following the process.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 23/08",
        "text": "DCC to investigate the concerns raised by the DNO regarding the functionality of the SSI and bring a solution to the September meeting.",
        "raised_on": D(2019, 8, 6),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            A DNO member stated that they are still consolidating a list of its requirements for the Self-Service Interface (SSI), and will have a completed list for the DCC by the November meeting.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 23/09",
        "text": "DCC to establish and present to the OPSG a list of all candidate changes to SSI and their priorities.",
        "raised_on": D(2019, 8, 6),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DNOs", "DCC"],
        "update": md(
            """
            The DCC explained that once it has received the list of requirements from DNO members, it will accommodate the needs of the DNOs in its improvement plan and produce a list of candidate changes for the next OPSG meeting.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 24/02",
        "text": "The DCC to review and analyse the traffic generated on the network caused by the power disruption and subsequent reconnections.",
        "raised_on": D(2019, 9, 3),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            From the Preliminary results that were shared with DNOs at the September ENA meeting, there was agreement that further investigation was needed, the results of which will be shared at the October ENA meeting. OPSG members suggested that this issue should be reviewed more widely than just from the DNO perspective and that the full report should be provided to the OPSG.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 24/05",
        "text": "DCC to engage with customers and create business scenarios and an early risk assessment of implications for capacity.",
        "raised_on": D(2019, 9, 3),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": None,
        "revised_target_note": "To be determined",
        "owners": ["DCC"],
        "update": md(
            """
            The DCC provided a quarterly update on capacity. The OPSG Chair stated that the DCC needs to engage more with Users and incorporate their feedback into the updates.
            """
        ),
        "status": "open",
    },
    {
        "reference": "OPSG 24/06",
        "text": "DCC to explain the CSPN Scalability approach.",
        "raised_on": D(2019, 9, 3),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": None,
        "revised_target_note": "",
        "owners": ["DCC"],
        "update": md(
            """
            The OPSG agreed that this action is related to technical architecture and should therefore be transferred to the Technical and Business Architecture Sub-Committee (TABASC) to action. SECAS will progress this.
            """
        ),
        "status": "closed",
        "outcome": "transferred",
        "transferred_to": TABASC,
    },
    {
        "reference": "OPSG 24/08",
        "text": "DCC and SECAS to work together to establish what the SEC requirement is for how Critical Commands should be forecast.",
        "raised_on": D(2019, 9, 3),
        "last_target_date": D(2019, 10, 1),
        "revised_target_date": D(2019, 11, 5),
        "revised_target_note": "",
        "owners": ["DCC", "SECAS"],
        "update": md(
            """
            It was noted that SECAS and DCC have progressed this item but not yet reached a conclusion. A DNO member raised concerns as the DCC requested a change in their process in the interim. The OPSG agreed that those Users that are submitting Forecasts for Critical Commands as one Service Request should continue while SECAS and the DCC establish the SEC requirement.
            """
        ),
        "status": "open",
    },
]
