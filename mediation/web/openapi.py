"""The OpenAPI 3.1 document of /api, served at /api/openapi.json (a test checks it is
valid and that every API route is in it)."""

from __future__ import annotations

from functools import lru_cache

from mediation.cases.model import Channel, DisputeType, PartyKind, PartyRole, Stage
from mediation.deadlines.model import PauseReason


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


DATE = {"type": "string", "format": "date"}
ERROR = {"$ref": "#/components/responses/Error"}
CASE_RESP = {
    "description": "The case",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
}
ITEM = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "example": "2026-0001"},
}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _action(summary: str, schema: dict) -> dict:
    return {
        "post": {
            "summary": summary,
            "parameters": [NUMBER],
            "requestBody": _body(schema),
            "responses": {"200": CASE_RESP, "400": ERROR, "403": ERROR, "404": ERROR, "409": ERROR},
        }
    }


@lru_cache(maxsize=1)
def spec() -> dict:
    from mediation.web import centre
    from mediation.web import precedents as web_precedents
    from mediation.web import transcripts as web_transcripts

    doc = _core_spec()
    recording = {
        "name": "recording_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    for method, rule, summary in web_transcripts.ROUTES:
        if not rule.startswith("/api/"):
            continue
        path = rule.replace("<number>", "{number}").replace("<id>", "{recording_id}")
        doc["paths"].setdefault(path, {})[method.lower()] = {
            "summary": summary,
            "parameters": [NUMBER] + ([recording] if "{recording_id}" in path else []),
            "responses": {
                "200": {"description": summary},
                "400": ERROR,
                "401": ERROR,
                "403": ERROR,
                "404": ERROR,
            },
        }
    doc["paths"].update(centre.openapi_paths())
    from mediation.web import hearings as web_hearings

    doc["paths"].update(web_hearings.openapi_paths())
    from mediation.web import agreements as web_agreements

    doc["paths"].update(web_agreements.openapi_paths())
    from mediation.web import court as web_court

    doc["paths"].update(web_court.openapi_paths())
    from mediation.web import disclosure as web_disclosure
    from mediation.web import performance as web_performance

    doc["paths"].update(web_performance.openapi_paths())
    doc["paths"].update(web_disclosure.openapi_paths())
    for method, path, summary in web_precedents.ROUTES:
        params = [NUMBER] if "{number}" in path else []
        if path == "/api/precedents/search":
            params = [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}]
        doc["paths"].setdefault(path, {})[method.lower()] = {
            "summary": summary + " (centre staff)",
            "parameters": params,
            "responses": {
                "200": {"description": summary},
                "400": ERROR,
                "401": ERROR,
                "403": ERROR,
                "404": ERROR,
            },
        }
    return doc


def _core_spec() -> dict:
    version_prop = {"expected_version": {"type": "integer", "minimum": 1}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Financial dispute mediation API",
            "version": "1.0.0",
            "description": "Cases, stages and statutory time limits. Authenticate with "
            "`Authorization: Bearer <token>` (see `mediation token`) or a browser session "
            "(then send the CSRF token in `X-CSRFToken`). Errors carry a stable `code` and a "
            "`message` in the language asked for (`Accept-Language` or `?lang=zh|en`).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI document"}},
                }
            },
            "/api/deadline": {
                "get": {
                    "summary": "Compute a due date for a rule and a start date",
                    "security": [],
                    "parameters": [
                        {
                            "name": "rule",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "example": "CPL-205"},
                        },
                        {"name": "start", "in": "query", "required": True, "schema": DATE},
                        {
                            "name": "extension_days",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "pause",
                            "in": "query",
                            "description": "excluded interval FROM/TO, repeatable",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form",
                            "explode": True,
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Due date",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/DueDate"}
                                }
                            },
                        },
                        "400": ERROR,
                        "404": ERROR,
                    },
                }
            },
            "/api/rules": {
                "get": {
                    "summary": "Time-limit rules with citations",
                    "responses": {"200": {"description": "Rules"}, "401": ERROR},
                }
            },
            "/api/cases": {
                "get": {
                    "summary": "List the cases the caller may see, most urgent first",
                    "parameters": [
                        {"name": "stage", "in": "query", "schema": _enum(Stage)},
                        {"name": "dispute_type", "in": "query", "schema": _enum(DisputeType)},
                        {"name": "due_before", "in": "query", "schema": DATE},
                        {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of cases",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CaseList"}
                                }
                            },
                        },
                        "400": ERROR,
                        "401": ERROR,
                    },
                },
                "post": {
                    "summary": "Register a dispute (登记)",
                    "requestBody": _body({"$ref": "#/components/schemas/NewCase"}),
                    "responses": {"201": CASE_RESP, "400": ERROR, "401": ERROR, "403": ERROR},
                },
            },
            "/api/cases/{number}": {
                "get": {
                    "summary": "One case with parties, clocks and history",
                    "parameters": [NUMBER],
                    "responses": {"200": CASE_RESP, "403": ERROR, "404": ERROR},
                }
            },
            "/api/cases/{number}/events": {
                "get": {
                    "summary": "The case's recorded events",
                    "parameters": [NUMBER],
                    "responses": {"200": {"description": "Events"}, "403": ERROR, "404": ERROR},
                }
            },
            "/api/cases/{number}/transitions": _action(
                "Move the case to another stage",
                {
                    "type": "object",
                    "required": ["to"],
                    "properties": {
                        "to": _enum(Stage),
                        "reason": {"type": "string"},
                        "on_date": DATE,
                        **version_prop,
                    },
                },
            ),
            "/api/cases/{number}/pause": _action(
                "Pause the clocks that the reason stops",
                {
                    "type": "object",
                    "required": ["reason"],
                    "properties": {
                        "reason": _enum(PauseReason),
                        "note": {"type": "string"},
                        "on_date": DATE,
                        **version_prop,
                    },
                },
            ),
            "/api/cases/{number}/resume": _action(
                "Resume paused clocks",
                {
                    "type": "object",
                    "properties": {"note": {"type": "string"}, "on_date": DATE, **version_prop},
                },
            ),
            "/api/cases/{number}/extensions": _action(
                "Extend a running time limit",
                {
                    "type": "object",
                    "required": ["rule", "days", "approver", "legal_ground"],
                    "properties": {
                        "rule": {"type": "string"},
                        "days": {"type": "integer", "minimum": 1},
                        "approver": {"type": "string"},
                        "legal_ground": {"type": "string"},
                        **version_prop,
                    },
                },
            ),
            "/api/cases/{number}/messages": {
                "get": {
                    "summary": "Messages, the institution's answer and settlement proposals",
                    "parameters": [NUMBER],
                    "responses": {"200": {"description": "Messages"}, "403": ERROR, "404": ERROR},
                },
                "post": {
                    "summary": "Write a message, answer (institutions) or propose a settlement",
                    "parameters": [NUMBER],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["body"],
                            "properties": {
                                "kind": {
                                    "type": "string",
                                    "enum": ["message", "response", "proposal"],
                                },
                                "body": {"type": "string"},
                                "amount": {"type": ["string", "number"]},
                            },
                        }
                    ),
                    "responses": {
                        "201": {"description": "Posted"},
                        "400": ERROR,
                        "403": ERROR,
                        "409": ERROR,
                    },
                },
            },
            "/api/cases/{number}/evidence": {
                "get": {
                    "summary": "The case's evidence: who added it, when, its SHA-256, withdrawals",
                    "parameters": [NUMBER],
                    "responses": {"200": {"description": "Evidence"}, "403": ERROR, "404": ERROR},
                },
                "post": {
                    "summary": "Upload a file (multipart field `file`; optional `sha256` to check the transfer)",
                    "parameters": [NUMBER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["file"],
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "sha256": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {"description": "Stored and on the ledger"},
                        "400": ERROR,
                        "403": ERROR,
                        "413": ERROR,
                        "415": ERROR,
                    },
                },
            },
            "/api/cases/{number}/evidence/{item_id}/download": {
                "get": {
                    "summary": "The file, as an attachment, with its SHA-256 in X-Content-SHA256",
                    "parameters": [NUMBER, ITEM],
                    "responses": {"200": {"description": "The file"}, "403": ERROR, "404": ERROR},
                }
            },
            "/api/cases/{number}/evidence/{item_id}/withdraw": {
                "post": {
                    "summary": "Withdraw an item (a new ledger entry; the file stays)",
                    "parameters": [NUMBER, ITEM],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["reason"],
                            "properties": {"reason": {"type": "string"}},
                        }
                    ),
                    "responses": {
                        "200": {"description": "Withdrawn"},
                        "400": ERROR,
                        "403": ERROR,
                        "409": ERROR,
                    },
                }
            },
            "/api/cases/{number}/evidence/{item_id}/proof": {
                "get": {
                    "summary": "RFC 9162 inclusion proof of the item's ledger entry, to the latest signed checkpoint",
                    "parameters": [NUMBER, ITEM],
                    "responses": {"200": {"description": "Proof"}, "403": ERROR, "404": ERROR},
                }
            },
            "/api/holidays": {
                "get": {
                    "summary": "Days off and make-up working days of a year, and whether it is verified",
                    "parameters": [
                        {
                            "name": "year",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "The year's calendar"},
                        "400": ERROR,
                        "401": ERROR,
                    },
                },
                "post": {
                    "summary": "Override one day (administrators)",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["day", "workday"],
                            "properties": {
                                "day": DATE,
                                "workday": {"type": "boolean"},
                                "name": {"type": "string"},
                            },
                        }
                    ),
                    "responses": {"200": {"description": "Saved"}, "400": ERROR, "403": ERROR},
                },
            },
            "/api/rule-sets": {
                "get": {
                    "summary": "Rule sets and the centre's current one",
                    "responses": {"200": {"description": "Rule sets"}, "401": ERROR},
                }
            },
            "/api/centre/rule-set": {
                "post": {
                    "summary": "Choose the centre's rule set (administrators)",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}},
                        }
                    ),
                    "responses": {"200": {"description": "Chosen"}, "400": ERROR, "403": ERROR},
                }
            },
            "/api/scan": {
                "post": {
                    "summary": "Mark due-soon and overdue clocks now (administrators)",
                    "responses": {"200": {"description": "Counts"}, "401": ERROR, "403": ERROR},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "Error with a stable code",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Party": {
                    "type": "object",
                    "required": ["role", "name"],
                    "properties": {
                        "role": _enum(PartyRole),
                        "kind": _enum(PartyKind),
                        "name": {"type": "string"},
                        "id_number": {"type": ["string", "null"]},
                        "phone": {"type": ["string", "null"]},
                        "address": {"type": ["string", "null"]},
                        "agent_name": {"type": ["string", "null"]},
                        "agent_phone": {"type": ["string", "null"]},
                    },
                },
                "NewCase": {
                    "type": "object",
                    "required": ["dispute_type", "request", "parties"],
                    "properties": {
                        "dispute_type": _enum(DisputeType),
                        "channel": _enum(Channel),
                        "request": {"type": "string"},
                        "facts": {"type": "string"},
                        "amount_claimed": {"type": ["string", "number"]},
                        "received_on": DATE,
                        "region": {"type": "string"},
                        "parties": {
                            "type": "array",
                            "minItems": 2,
                            "items": {"$ref": "#/components/schemas/Party"},
                        },
                    },
                },
                "CaseSummary": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string"},
                        "stage": _enum(Stage),
                        "stage_label": {"type": "string"},
                        "dispute_type": _enum(DisputeType),
                        "next_due_on": {"type": ["string", "null"], "format": "date"},
                        "urgency": {
                            "type": "string",
                            "enum": ["none", "ok", "due_soon", "overdue", "unverified"],
                        },
                        "paused": {"type": "boolean"},
                        "version": {"type": "integer"},
                    },
                },
                "CaseList": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "cases": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/CaseSummary"},
                        },
                    },
                },
                "Clock": {
                    "type": "object",
                    "properties": {
                        "rule": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "string", "enum": ["running", "paused", "stopped"]},
                        "started_on": DATE,
                        "due_on": {"type": ["string", "null"], "format": "date"},
                        "calendar_verified": {"type": "boolean"},
                        "days_left": {"type": ["integer", "null"]},
                        "paused_days": {"type": "integer"},
                        "extension_days": {"type": "integer"},
                        "extensions": {"type": "array", "items": {"type": "object"}},
                        "citation": {"type": "array", "items": {"type": "object"}},
                        "counting": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Case": {
                    "allOf": [
                        {"$ref": "#/components/schemas/CaseSummary"},
                        {
                            "type": "object",
                            "properties": {
                                "request": {"type": "string"},
                                "parties": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Party"},
                                },
                                "clocks": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Clock"},
                                },
                                "events": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    ]
                },
                "DueDate": {
                    "type": "object",
                    "properties": {
                        "rule": {"type": "string"},
                        "start": DATE,
                        "due": {"type": ["string", "null"], "format": "date"},
                        "status": {"type": "string", "enum": ["ok", "calendar_unverified"]},
                        "provisional_due": {"type": ["string", "null"], "format": "date"},
                        "counting": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    }
