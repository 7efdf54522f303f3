//! Custom ticket fields declared in `tkt.toml`: parsing `--set` text and checking values.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::model::Money;
use crate::model::{FieldDef, FieldType};

use super::Problem;

/// Turns command-line text into the stored value of a custom field.
pub fn parse_custom(name: &str, def: &FieldDef, text: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("custom field {name}: {text:?} is not {what}");
    Ok(match def.kind {
        FieldType::String => Value::String(text.to_string()),
        FieldType::Int => Value::Number(text.trim().parse::<i64>().map_err(|_| bad("an integer"))?.into()),
        FieldType::Decimal => {
            rust_decimal::Decimal::from_str_exact(text.trim()).map_err(|_| bad("a decimal number"))?;
            Value::String(text.trim().to_string())
        }
        FieldType::Date => {
            crate::model::day::parse(text.trim()).map_err(|_| bad("a date (YYYY-MM-DD)"))?;
            Value::String(text.trim().to_string())
        }
        FieldType::Bool => Value::Bool(match text.trim() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => return Err(bad("true or false")),
        }),
        FieldType::Enum => {
            if !def.values.iter().any(|v| v == text) {
                return Err(format!("custom field {name}: {text:?} is not one of {}", def.values.join(", ")));
            }
            Value::String(text.to_string())
        }
    })
}

/// Whether a ticket's custom value `held` is `wanted` (as [`parse_custom`] read it), as the
/// field's type reads both: a decimal `12.50` is `12.5`, written as a number or as text.
pub fn same_custom(name: &str, def: &FieldDef, held: &Value, wanted: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    held == wanted
        || text(held).and_then(|t| parse_custom(name, def, &t).ok()).is_some_and(|read| match def.kind {
            FieldType::Decimal => {
                let number = |v: &Value| text(v).and_then(|t| rust_decimal::Decimal::from_str_exact(t.trim()).ok());
                number(&read).is_some_and(|a| number(wanted) == Some(a))
            }
            _ => read == *wanted,
        })
}

/// Problems of a ticket's custom values: undeclared names, wrong types, missing required.
pub fn check_custom(values: &BTreeMap<String, Value>, defs: &BTreeMap<String, FieldDef>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, value) in values {
        let field = format!("custom.{name}");
        let Some(def) = defs.get(name) else {
            problems.push(Problem::new(
                field,
                format!("not declared in tkt.toml [fields] (take it off with `--set {name}=`, or declare it)"),
            ));
            continue;
        };
        if value.is_null() {
            continue;
        }
        let ok = match def.kind {
            FieldType::String => value.is_string(),
            FieldType::Int => value.as_i64().is_some(),
            FieldType::Decimal => match value {
                Value::String(s) => rust_decimal::Decimal::from_str_exact(s).is_ok(),
                Value::Number(_) => serde_yaml::from_value::<Money>(value.clone()).is_ok() || value.as_f64().is_some(),
                _ => false,
            },
            FieldType::Date => value.as_str().is_some_and(|s| crate::model::day::parse(s).is_ok()),
            FieldType::Bool => value.is_bool(),
            FieldType::Enum => value.as_str().is_some_and(|s| def.values.iter().any(|v| v == s)),
        };
        if !ok {
            let expected = match def.kind {
                FieldType::String => "a string".to_string(),
                FieldType::Int => "an integer".to_string(),
                FieldType::Decimal => "a decimal number".to_string(),
                FieldType::Date => "a date (YYYY-MM-DD)".to_string(),
                FieldType::Bool => "true or false".to_string(),
                FieldType::Enum => format!("one of {}", def.values.join(", ")),
            };
            problems.push(Problem::new(field, format!("{} is not {expected}", show(value))));
        }
    }
    for (name, def) in defs {
        if def.required && values.get(name).is_none_or(Value::is_null) {
            problems.push(Problem::new(format!("custom.{name}"), "required (set it with --set NAME=VALUE)"));
        }
    }
    problems
}

fn show(value: &Value) -> String {
    serde_yaml::to_string(value).map(|s| s.trim().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> BTreeMap<String, FieldDef> {
        crate::model::Config::parse(
            "[fields.contract]\ntype='enum'\nvalues=['none','full']\nrequired=true\n[fields.floor]\ntype='int'\n[fields.visit]\ntype='date'\n",
        )
        .unwrap()
        .fields
    }

    #[test]
    fn values_are_parsed_by_their_declared_type() {
        let d = defs();
        assert_eq!(parse_custom("floor", &d["floor"], "3").unwrap(), Value::from(3));
        assert!(parse_custom("floor", &d["floor"], "third").unwrap_err().contains("not an integer"));
        assert!(parse_custom("contract", &d["contract"], "gold").unwrap_err().contains("none, full"));
        assert!(parse_custom("visit", &d["visit"], "2026-02-30").is_err());
    }

    #[test]
    fn stored_values_are_checked_against_declarations() {
        let mut values = BTreeMap::new();
        values.insert("floor".to_string(), Value::from("3"));
        values.insert("colour".to_string(), Value::from("red"));
        let problems = check_custom(&values, &defs());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["custom.colour", "custom.floor", "custom.contract"]);
    }
}
