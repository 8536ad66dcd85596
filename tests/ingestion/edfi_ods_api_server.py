"""A test server that plays an Ed-Fi ODS/API on loopback, serving the Grand Bend fixture's records.

It is a test server, not an ODS/API: it converts the fixture's XML interchanges into the
Resources API v3's JSON shapes (camelCase fields, `…Descriptor` fields, references as
`{…Reference: {keys}}`, collections as arrays, school years as the ending year) and answers
the way the ODS/API does for what the client uses:

- `POST /api/oauth/token` with HTTP Basic client credentials → `{"access_token", "expires_in"}`;
- `GET /api/data/v3/ed-fi/{resource}?offset&limit&totalCount=true` with a bearer token → a JSON
  array and, when asked, the `Total-Count` header; `limit` over 500 is a 400 as on the ODS/API;
  an unknown token is a 401, an unknown resource a 404.

Faults are queued per resource (`fail_next`), tokens can be revoked (`revoke_tokens`), and every
request is recorded (`requests`).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree as ET

CLIENT_ID, CLIENT_SECRET = "grand-bend-key", "grand-bend-secret"
MAX_LIMIT = 500


def _t(element, path):
    if element is None:
        return None
    found = element.find("/".join(f"{{*}}{s}" for s in path.split("/")))
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _all(element, path):
    return [
        e.text.strip()
        for e in element.findall("/".join(f"{{*}}{s}" for s in path.split("/")))
        if e.text and e.text.strip()
    ]


def _year(text):
    """`2021-2022` → 2022, the Resources API's school year."""
    return int(text[-4:]) if text else None


def _drop_none(value):
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _student(e):
    return {"studentUniqueId": _t(e, "StudentReference/StudentIdentity/StudentUniqueId")}


def _school_id(e, path="SchoolReference/SchoolIdentity/SchoolId"):
    value = _t(e, path)
    return int(value) if value else None


def _addresses(e):
    return [
        {
            "addressTypeDescriptor": _t(a, "AddressType"),
            "streetNumberName": _t(a, "StreetNumberName"),
            "city": _t(a, "City"),
            "stateAbbreviationDescriptor": _t(a, "StateAbbreviation"),
            "postalCode": _t(a, "PostalCode"),
        }
        for a in e.findall("{*}Address")
    ]


def _program(e):
    return {
        "studentReference": _student(e),
        "programReference": {
            "educationOrganizationId": _t(
                e,
                "ProgramReference/ProgramIdentity/EducationOrganizationReference/"
                "EducationOrganizationIdentity/EducationOrganizationId",
            ),
            "programName": _t(e, "ProgramReference/ProgramIdentity/ProgramName"),
            "programTypeDescriptor": _t(e, "ProgramReference/ProgramIdentity/ProgramType"),
        },
        "beginDate": _t(e, "BeginDate"),
        "endDate": _t(e, "EndDate"),
    }


def resources_from_fixture(folder: Path) -> dict[str, list[dict]]:
    """Every resource the client reads, as the ODS/API would serve the fixture's records."""
    resources: dict[str, list[dict]] = defaultdict(list)
    incidents_by_id = {}
    elements = []
    for path in sorted(Path(folder).glob("*.xml")):
        elements.extend(ET.parse(path).getroot())
    for e in elements:
        if e.tag.endswith("}DisciplineIncident") and e.get("id"):
            incidents_by_id[e.get("id")] = (_t(e, "IncidentIdentifier"), _school_id(e))
    for e in elements:
        name = e.tag.rsplit("}", 1)[-1]
        if name == "School":
            resources["schools"].append(
                {
                    "schoolId": int(_t(e, "SchoolId")),
                    "nameOfInstitution": _t(e, "NameOfInstitution"),
                    "addresses": _addresses(e),
                    "institutionTelephones": [
                        {
                            "institutionTelephoneNumberTypeDescriptor": _t(
                                p, "InstitutionTelephoneNumberType"
                            ),
                            "telephoneNumber": _t(p, "TelephoneNumber"),
                        }
                        for p in e.findall("{*}InstitutionTelephone")
                    ],
                    "operationalStatusDescriptor": _t(e, "OperationalStatus"),
                    "gradeLevels": [{"gradeLevelDescriptor": g} for g in _all(e, "GradeLevel")],
                    "schoolCategories": [
                        {"schoolCategoryDescriptor": c} for c in _all(e, "SchoolCategory")
                    ],
                }
            )
        elif name == "CalendarDate":
            identity = "CalendarReference/CalendarIdentity"
            resources["calendarDates"].append(
                {
                    "calendarReference": {
                        "calendarCode": _t(e, f"{identity}/CalendarCode"),
                        "schoolId": _school_id(
                            e, f"{identity}/SchoolReference/SchoolIdentity/SchoolId"
                        ),
                        "schoolYear": _year(_t(e, f"{identity}/SchoolYear")),
                    },
                    "date": _t(e, "Date"),
                    "calendarEvents": [
                        {"calendarEventDescriptor": c} for c in _all(e, "CalendarEvent")
                    ],
                }
            )
        elif name == "Student":
            resources["students"].append(
                {
                    "studentUniqueId": _t(e, "StudentUniqueId"),
                    "firstName": _t(e, "Name/FirstName"),
                    "middleName": _t(e, "Name/MiddleName"),
                    "lastSurname": _t(e, "Name/LastSurname"),
                    "birthDate": _t(e, "BirthData/BirthDate"),
                }
            )
        elif name == "StudentEducationOrganizationAssociation":
            hispanic = _t(e, "HispanicLatinoEthnicity")
            resources["studentEducationOrganizationAssociations"].append(
                {
                    "studentReference": _student(e),
                    "educationOrganizationReference": {
                        "educationOrganizationId": int(
                            _t(
                                e,
                                "EducationOrganizationReference/EducationOrganizationIdentity/"
                                "EducationOrganizationId",
                            )
                        )
                    },
                    "sexDescriptor": _t(e, "Sex"),
                    "hispanicLatinoEthnicity": None if hispanic is None else hispanic == "true",
                    "races": [{"raceDescriptor": r} for r in _all(e, "Race")],
                    "addresses": _addresses(e),
                }
            )
        elif name == "StudentSchoolAssociation":
            resources["studentSchoolAssociations"].append(
                {
                    "studentReference": _student(e),
                    "schoolReference": {"schoolId": _school_id(e)},
                    "schoolYearTypeReference": {"schoolYear": _year(_t(e, "SchoolYear"))},
                    "entryDate": _t(e, "EntryDate"),
                    "entryGradeLevelDescriptor": _t(e, "EntryGradeLevel"),
                    "entryTypeDescriptor": _t(e, "EntryType"),
                    "exitWithdrawDate": _t(e, "ExitWithdrawDate"),
                    "exitWithdrawTypeDescriptor": _t(e, "ExitWithdrawType"),
                }
            )
        elif name == "StudentSchoolAttendanceEvent":
            duration = _t(e, "AttendanceEvent/EventDuration")
            resources["studentSchoolAttendanceEvents"].append(
                {
                    "studentReference": _student(e),
                    "schoolReference": {"schoolId": _school_id(e)},
                    "sessionReference": {
                        "schoolId": _school_id(e),
                        "schoolYear": _year(_t(e, "SessionReference/SessionIdentity/SchoolYear")),
                        "sessionName": _t(e, "SessionReference/SessionIdentity/SessionName"),
                    },
                    "eventDate": _t(e, "AttendanceEvent/EventDate"),
                    "attendanceEventCategoryDescriptor": _t(
                        e, "AttendanceEvent/AttendanceEventCategory"
                    ),
                    "eventDuration": float(duration) if duration is not None else None,
                }
            )
        elif name.startswith("Student") and name.endswith("ProgramAssociation"):
            # The Resources API names a resource after its entity: camelCase, plural.
            resources[f"{name[0].lower()}{name[1:]}s"].append(_program(e))
        elif name == "Assessment":
            resources["assessments"].append(
                {
                    "assessmentIdentifier": _t(e, "AssessmentIdentifier"),
                    "namespace": _t(e, "Namespace"),
                    "academicSubjects": [
                        {"academicSubjectDescriptor": s} for s in _all(e, "AcademicSubject")
                    ],
                }
            )
        elif name == "StudentAssessment":
            resources["studentAssessments"].append(
                {
                    "studentAssessmentIdentifier": _t(e, "StudentAssessmentIdentifier"),
                    "studentReference": _student(e),
                    "assessmentReference": {
                        "assessmentIdentifier": _t(
                            e, "AssessmentReference/AssessmentIdentity/AssessmentIdentifier"
                        ),
                        "namespace": _t(e, "AssessmentReference/AssessmentIdentity/Namespace"),
                    },
                    "administrationDate": _t(e, "AdministrationDate"),
                    "schoolYearTypeReference": {"schoolYear": _year(_t(e, "SchoolYear"))},
                    "whenAssessedGradeLevelDescriptor": _t(e, "WhenAssessedGradeLevel"),
                    "scoreResults": [
                        {
                            "assessmentReportingMethodDescriptor": _t(
                                s, "AssessmentReportingMethod"
                            ),
                            "result": _t(s, "Result"),
                        }
                        for s in e.findall("{*}ScoreResult")
                    ],
                    "performanceLevels": [
                        {"performanceLevelDescriptor": _t(p, "PerformanceLevel")}
                        for p in e.findall("{*}PerformanceLevel")
                    ],
                }
            )
        elif name == "DisciplineIncident":
            resources["disciplineIncidents"].append(
                {
                    "incidentIdentifier": _t(e, "IncidentIdentifier"),
                    "schoolReference": {"schoolId": _school_id(e)},
                    "incidentDate": _t(e, "IncidentDate"),
                }
            )
        elif name == "StudentDisciplineIncidentBehaviorAssociation":
            reference = e.find("{*}DisciplineIncidentReference")
            incident, school = incidents_by_id[reference.get("ref")]
            resources["studentDisciplineIncidentBehaviorAssociations"].append(
                {
                    "studentReference": _student(e),
                    "disciplineIncidentReference": {
                        "incidentIdentifier": incident,
                        "schoolId": school,
                    },
                    "behaviorDescriptor": _t(e, "Behavior"),
                }
            )
        elif name == "DisciplineAction":
            identity = (
                "StudentDisciplineIncidentBehaviorAssociationReference/"
                "StudentDisciplineIncidentBehaviorAssociationIdentity"
            )
            incident = f"{identity}/DisciplineIncidentReference/DisciplineIncidentIdentity"
            length = _t(e, "ActualDisciplineActionLength")
            resources["disciplineActions"].append(
                {
                    "disciplineActionIdentifier": _t(e, "DisciplineActionIdentifier"),
                    "disciplineDate": _t(e, "DisciplineDate"),
                    "disciplines": [{"disciplineDescriptor": d} for d in _all(e, "Discipline")],
                    "actualDisciplineActionLength": float(length) if length else None,
                    "studentReference": _student(e),
                    "studentDisciplineIncidentBehaviorAssociations": [
                        {
                            "behaviorDescriptor": _t(e, f"{identity}/Behavior"),
                            "incidentIdentifier": _t(e, f"{incident}/IncidentIdentifier"),
                            "schoolId": _school_id(
                                e, f"{incident}/SchoolReference/SchoolIdentity/SchoolId"
                            ),
                            "studentUniqueId": _t(
                                e, f"{identity}/StudentReference/StudentIdentity/StudentUniqueId"
                            ),
                        }
                    ],
                }
            )
    return {name: [_drop_none(r) for r in records] for name, records in resources.items()}


class OdsApiState:
    """What the test server serves and what it saw.

    Every record gets an `id` and a change version (1 for the fixture's records); `change`,
    `add` and `delete` move the API's newest change version on, as edits in the ODS would, and
    `delete` lists the record under `{resource}/deletes`. Change Queries are answered only when
    `change_queries` is on (an API without them answers 404).
    """

    def __init__(self, resources: dict[str, list[dict]], known: set[str], expires_in: int = 1800):
        self.resources = {
            name: [{"id": f"{name}-{n:05d}", **r} for n, r in enumerate(records, start=1)]
            for name, records in resources.items()
        }
        self.versions = {r["id"]: 1 for records in self.resources.values() for r in records}
        self.newest = 1
        self.deleted: dict[str, list[dict]] = defaultdict(list)
        self.change_queries = False
        self.known = known
        self.expires_in = expires_in
        self.send_total_count = True
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.fail_next: dict[str, list[tuple[int, dict, bytes]]] = defaultdict(list)
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def change(self, resource: str, index: int, **fields) -> dict:
        self.newest += 1
        record = self.resources[resource][index]
        record.update(fields)
        self.versions[record["id"]] = self.newest
        return record

    def add(self, resource: str, record: dict) -> dict:
        self.newest += 1
        record = {"id": f"{resource}-new-{self.newest}", **record}
        self.resources.setdefault(resource, []).append(record)
        self.versions[record["id"]] = self.newest
        return record

    def delete(self, resource: str, index: int) -> dict:
        self.newest += 1
        record = self.resources[resource].pop(index)
        self.deleted[resource].append({"id": record["id"], "changeVersion": self.newest})
        return record

    def page(self, resource: str, query: dict) -> list[dict]:
        deletes = resource.endswith("/deletes")
        name = resource.removesuffix("/deletes")
        if "minChangeVersion" not in query:
            return self.deleted[name] if deletes else self.resources.get(name, [])
        low, high = int(query["minChangeVersion"][0]), int(query["maxChangeVersion"][0])
        if deletes:
            return [d for d in self.deleted[name] if low <= d["changeVersion"] <= high]
        return [r for r in self.resources.get(name, []) if low <= self.versions[r["id"]] <= high]


def _handler(state: OdsApiState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            state.requests.append(("POST", self.path))
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.path != "/api/oauth/token":
                return self._send(404, b"{}")
            if self.headers.get("Authorization") != f"Basic {expected}" or form.get(
                "grant_type"
            ) != ["client_credentials"]:
                return self._send(401, b'{"error": "invalid_client"}')
            with state.lock:
                state.tokens_issued += 1
                token = f"token-{state.tokens_issued}"
                state.tokens.add(token)
            body = {"access_token": token, "expires_in": state.expires_in, "token_type": "bearer"}
            self._send(200, json.dumps(body).encode())

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            state.requests.append(("GET", self.path))
            prefix = "/api/data/v3/ed-fi/"
            bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            if bearer not in state.tokens:
                return self._send(401, b'{"message": "Authorization denied."}')
            if url.path == "/api/changeQueries/v1/availableChangeVersions" and state.change_queries:
                body = {"oldestChangeVersion": 0, "newestChangeVersion": state.newest}
                return self._send(200, json.dumps(body).encode())
            if not url.path.startswith(prefix):
                return self._send(404, b"{}")
            resource = url.path[len(prefix) :]
            queued = state.fail_next.get(resource)
            if queued:
                status, headers, body = queued.pop(0)
                return self._send(status, body, headers)
            if resource.removesuffix("/deletes") not in state.known:
                return self._send(404, b'{"message": "not found"}')
            query = urllib.parse.parse_qs(url.query)
            offset = int(query.get("offset", ["0"])[0])
            limit = int(query.get("limit", ["25"])[0])
            if limit > MAX_LIMIT:
                return self._send(400, b'{"message": "limit must be 500 or less"}')
            records = state.page(resource, query)
            headers = {}
            if query.get("totalCount") == ["true"] and state.send_total_count:
                headers["Total-Count"] = str(len(records))
            self._send(200, json.dumps(records[offset : offset + limit]).encode(), headers)

    return Handler


@contextmanager
def ods_api_server(state: OdsApiState) -> Iterator[str]:
    """Serve `state` on 127.0.0.1; yields the API root URL (`http://127.0.0.1:<port>/api`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
