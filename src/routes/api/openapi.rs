//! `GET /api/openapi.json`, generated from the route table in `routes::api::ROUTES`.

use actix_web::HttpResponse;
use serde_json::{Map, Value, json};

use super::ROUTES;

fn schemas() -> Value {
    let answer = json!({ "type": "string", "enum": ["yes", "no", "unknown"] });
    let answers: Map<String, Value> = crate::domain::report::ANSWER_KEYS
        .iter()
        .map(|k| (k.to_string(), answer.clone()))
        .collect();
    json!({
        "PhoneReport": {
            "type": "object", "required": ["caller", "narrative"], "additionalProperties": false,
            "properties": {
                "caller": { "type": "string", "enum": ["victim", "relative", "friend", "coworker", "professional", "anonymous"] },
                "language": { "type": "string", "description": "BCP 47 tag, e.g. th, lo, km, my, vi, zh, en" },
                "location": { "type": "object", "additionalProperties": false, "properties": {
                    "country": { "type": "string", "description": "ISO 3166 alpha-2" },
                    "area": { "type": "string", "description": "province or city, free text" } } },
                "narrative": { "type": "string", "maxLength": 20000 },
                "answers": { "type": "object", "additionalProperties": false, "properties": answers },
                "callback": { "type": "object", "additionalProperties": false, "properties": {
                    "name": { "type": "string" }, "phone": { "type": "string" }, "safe_hours": { "type": "string" },
                    "never_contact_first": { "type": "boolean" }, "no_voicemail": { "type": "boolean" } } },
                "linked_cases": { "type": "array", "items": { "type": "string", "format": "uuid" },
                    "description": "earlier cases the counselor decided concern the same person" }
            }
        },
        "PhoneLookup": { "type": "object", "required": ["phone"], "properties": { "phone": { "type": "string" } } },
        "Claim": { "type": "object", "properties": { "case_id": { "type": "string", "format": "uuid" } } },
        "Link": { "type": "object", "description": "the other case, by id or by reference", "properties": { "case_id": { "type": "string", "format": "uuid" }, "reference": { "type": "string" } } },
        "Note": { "type": "object", "required": ["text"], "properties": { "text": { "type": "string", "maxLength": 10000 } } },
        "UrgencyChoice": { "type": "object", "required": ["level", "reason"], "properties": {
            "level": { "type": "string", "enum": ["critical", "high", "medium", "low"] },
            "reason": { "type": "string", "maxLength": 2000 } } },
        "Message": { "type": "object", "required": ["text"], "properties": { "text": { "type": "string", "maxLength": 4000 } } },
        "StatusChange": { "type": "object", "required": ["status"], "properties": {
            "status": { "type": "string", "enum": ["new", "in_progress", "waiting", "referred", "closed"] },
            "closing_reason": { "type": "string", "enum": crate::cases::CLOSING_REASONS } } },
        "NewUser": { "type": "object", "required": ["email", "role", "password"], "properties": {
            "email": { "type": "string" }, "role": { "type": "string", "enum": ["counselor", "supervisor", "admin"] },
            "password": { "type": "string", "minLength": 10 } } },
        "UserChange": { "type": "object", "properties": {
            "role": { "type": "string", "enum": ["counselor", "supervisor", "admin"] }, "active": { "type": "boolean" } } },
        "MyPreferences": { "type": "object", "additionalProperties": false, "properties": {
            "console_language": { "type": "string", "enum": crate::i18n::CONSOLE_LANGUAGES.iter().map(|l| l.code).collect::<Vec<_>>() },
            "languages": { "type": "array", "maxItems": 12, "items": { "type": "string", "description": "BCP 47 tag; kept as its primary subtag" } } } },
        "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
            "required": ["code", "message"], "properties": {
                "code": { "type": "string" }, "message": { "type": "string" }, "field": { "type": "string" } } } } }
    })
}

pub fn build() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for r in ROUTES {
        let method = r.method.as_str().to_ascii_lowercase();
        let mut responses: Map<String, Value> = r
            .responses
            .iter()
            .map(|(code, text)| (code.to_string(), json!({ "description": text })))
            .collect();
        for (code, text) in [
            (400, "invalid input"),
            (401, "not signed in"),
            (403, "role not allowed"),
        ] {
            responses.insert(code.to_string(), json!({ "description": text,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
        }
        let mut op = json!({
            "summary": r.summary,
            "operationId": format!("{method}_{}", r.path.trim_start_matches("/api/v1/").replace(['/', '{', '}'], "_")),
            "x-required-role": r.role.as_str(),
            "security": [{ "bearer": [] }, { "session": [] }],
            "responses": responses,
        });
        if let Some(body) = r.body {
            op["requestBody"] = json!({ "required": body != "Claim",
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{body}") } } } });
        }
        if r.path.contains("{id}") {
            op["parameters"] = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "hotline API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Intake, triage queue and case work for anti-trafficking hotlines." },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "`hotline user token --email E`" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::sessions::COOKIE,
                             "description": "console session; state-changing requests also need X-CSRF-Token" }
            }
        }
    })
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(build())
}
