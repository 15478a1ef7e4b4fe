//! `GET /api/openapi.json`, generated from the route table (`routes::api::ROUTES`: path, method,
//! least role, summary, responses) and the request types themselves (their `utoipa::ToSchema`
//! derives), so the document cannot drift from what the server registers and parses. Path
//! parameters come from the `{name}` segments of each path. The tests validate the served
//! document with a standard validator (openapi-spec-validator).

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use serde_json::json;
use utoipa::ToSchema;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder, Paths,
    RefOr, Required, ResponseBuilder, ResponsesBuilder, Schema, Type,
};

use super::ROUTES;

/// Registers a request body's schema (and the schemas it refers to) and returns its name.
pub type BodySchema = fn(&mut Vec<(String, RefOr<Schema>)>) -> String;

/// The `BodySchema` of a request type.
pub fn schema<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) -> String {
    T::schemas(out);
    let name = T::name().into_owned();
    out.push((name.clone(), T::schema()));
    name
}

/// The body every error has: `{"error": {"code", "message", "field"?}}`.
fn error_schema() -> RefOr<Schema> {
    let detail = ObjectBuilder::new()
        .property("code", ObjectBuilder::new().schema_type(Type::String))
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "field",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("the request field at fault, when one is")),
        )
        .required("code")
        .required("message");
    ObjectBuilder::new()
        .property("error", detail)
        .required("error")
        .into()
}

fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

/// The `{name}` segments of a path, in order.
fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

fn http_method(method: &actix_web::http::Method) -> HttpMethod {
    use actix_web::http::Method;
    match *method {
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::PATCH => HttpMethod::Patch,
        Method::DELETE => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

pub fn build() -> OpenApi {
    let mut schemas: Vec<(String, RefOr<Schema>)> = vec![("Error".into(), error_schema())];
    let error_ref = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Error"));
    let mut paths = Paths::new();
    for r in ROUTES {
        let mut responses = ResponsesBuilder::new();
        for (code, text) in r.responses {
            responses = responses.response(
                code.to_string(),
                ResponseBuilder::new().description(*text).build(),
            );
        }
        for (code, text) in [
            (400, "invalid input"),
            (401, "not signed in"),
            (403, "role not allowed"),
        ] {
            responses = responses.response(
                code.to_string(),
                ResponseBuilder::new()
                    .description(text)
                    .content("application/json", json_content(error_ref.clone()))
                    .build(),
            );
        }
        let method = r.method.as_str().to_ascii_lowercase();
        let mut operation = OperationBuilder::new()
            .summary(Some(r.summary))
            .operation_id(Some(format!(
                "{method}_{}",
                r.path
                    .trim_start_matches("/api/v1/")
                    .replace(['/', '{', '}'], "_")
            )))
            .responses(responses.build())
            .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
            .security(SecurityRequirement::new("session", Vec::<String>::new()))
            .extensions(Some(
                ExtensionsBuilder::new()
                    .add("x-required-role", json!(r.role.as_str()))
                    .build(),
            ));
        for name in path_parameters(r.path) {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .description(Some("an id, or for a case link its reference")),
                    )),
            );
        }
        if let Some(body) = r.body {
            let name = body(&mut schemas);
            // Claiming takes an optional body: none means "the next case".
            let required = if r.path.ends_with("/queue/claim") {
                Required::False
            } else {
                Required::True
            };
            operation = operation.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(required))
                    .content(
                        "application/json",
                        json_content(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))),
                    )
                    .build(),
            ));
        }
        paths.add_path_operation(r.path, vec![http_method(&r.method)], operation.build());
    }
    // One entry per name (a type referred to twice is registered twice), in name order.
    let schemas: BTreeMap<String, RefOr<Schema>> = schemas.into_iter().collect();
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("`hotline user token --email E`"))
                    .build(),
            ),
        )
        .security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::sessions::COOKIE,
                "console session; state-changing requests also need X-CSRF-Token",
            ))),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("hotline API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Intake, triage queue and case work for anti-trafficking hotlines.",
                ))
                .build(),
        )
        .paths(paths)
        .components(Some(components))
        .build()
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parameter_is_declared() {
        let doc = serde_json::to_value(build()).unwrap_or_default();
        for r in ROUTES {
            let method = r.method.as_str().to_ascii_lowercase();
            let declared: Vec<&str> = doc["paths"][r.path][&method]["parameters"]
                .as_array()
                .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
                .unwrap_or_default();
            let wanted: Vec<&str> = path_parameters(r.path).collect();
            assert_eq!(declared, wanted, "{method} {}", r.path);
        }
    }

    #[test]
    fn the_quick_answers_schema_lists_exactly_the_answer_keys() {
        let doc = serde_json::to_value(build()).unwrap_or_default();
        let mut keys: Vec<&str> = doc["components"]["schemas"]["QuickAnswers"]["properties"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        let mut expected = crate::domain::report::ANSWER_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn the_closing_reasons_are_the_closing_reason_codes() {
        let codes: Vec<&str> = crate::domain::ClosingReason::ALL
            .iter()
            .map(|r| r.as_str())
            .collect();
        assert_eq!(codes, crate::cases::CLOSING_REASONS);
    }
}
