//! PREMIS-style preservation events (`data/events.json`): what was done to a case, when,
//! by which program and version, with what outcome, linked to the objects concerned.

use serde::{Deserialize, Serialize};

/// LoC preservation event types used by sohoa: (code, label).
pub mod kind {
    pub const INGESTION: (&str, &str) = ("ing", "ingestion");
    pub const METADATA_EXTRACTION: (&str, &str) = ("mee", "metadata extraction");
    pub const METADATA_MODIFICATION: (&str, &str) = ("mem", "metadata modification");
    pub const DIGEST: (&str, &str) = ("mes", "message digest calculation");
    pub const VALIDATION: (&str, &str) = ("val", "validation");
    pub const NORMALIZATION: (&str, &str) = ("nor", "normalization");
    pub const CREATION: (&str, &str) = ("cre", "creation");
    pub const PACKAGE_CREATION: (&str, &str) = ("ipc", "information package creation");
    pub const MODIFICATION: (&str, &str) = ("mod", "modification");
    pub const DEACCESSION: (&str, &str) = ("dea", "deaccession");
    pub const SIGNATURE_GENERATION: (&str, &str) = ("dig", "digital signature generation");
}

/// `success`, `warning` or `failure` (LoC eventOutcome suc/war/fai).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    #[default]
    Success,
    Warning,
    Failure,
}

impl Outcome {
    pub fn uri(self) -> &'static str {
        match self {
            Outcome::Success => "http://id.loc.gov/vocabulary/preservation/eventOutcome/suc",
            Outcome::Warning => "http://id.loc.gov/vocabulary/preservation/eventOutcome/war",
            Outcome::Failure => "http://id.loc.gov/vocabulary/preservation/eventOutcome/fai",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkingObject {
    pub identifier: String,
    /// `source` or `outcome`.
    pub role: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    pub event_identifier: String,
    pub event_identifier_type: String,
    pub event_type: String,
    pub event_type_uri: String,
    pub event_datetime: String,
    pub event_detail: String,
    pub event_outcome: Outcome,
    pub event_outcome_uri: String,
    pub event_outcome_detail_note: String,
    pub linking_agent: Vec<String>,
    pub linking_objects: Vec<LinkingObject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Agent {
    pub identifier: String,
    pub name: String,
    /// `software` or `organization`.
    pub agent_type: String,
    pub version: Option<String>,
}

/// The events of one case, with the agents they link to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventLog {
    pub schema: String,
    pub schema_version: u32,
    pub agents: Vec<Agent>,
    pub events: Vec<Event>,
}

pub const SOFTWARE_AGENT: &str = "sohoa";
/// Schema name and version of `events.json`.
pub const SCHEMA: &str = "sohoa/events";
pub const SCHEMA_VERSION: u32 = 1;
/// The event log's payload file name, and its path inside a bag.
pub const FILE: &str = "events.json";
pub const PATH: &str = "data/events.json";

impl EventLog {
    /// Reads `data/events.json` (every field has a default, so older logs load).
    pub fn load(bytes: &[u8]) -> Result<EventLog, String> {
        let log: EventLog = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if log.schema != SCHEMA {
            return Err(format!(
                "not a sohoa event log (schema is not \"{SCHEMA}\")"
            ));
        }
        Ok(log)
    }

    /// The log as written to `data/events.json`: pretty JSON, fields in a fixed order.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, numbers and lists only: serde_json cannot fail on them.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    pub fn new(organization: Option<&str>) -> Self {
        let mut agents = vec![Agent {
            identifier: SOFTWARE_AGENT.into(),
            name: "sohoa".into(),
            agent_type: "software".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }];
        if let Some(org) = organization {
            agents.push(Agent {
                identifier: format!("org:{org}"),
                name: org.into(),
                agent_type: "organization".into(),
                version: None,
            });
        }
        EventLog {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            agents,
            events: Vec::new(),
        }
    }

    /// Records an event now. `detail` follows the `program="..."; version="..."` pattern.
    pub fn add(
        &mut self,
        kind: (&'static str, &'static str),
        detail: String,
        outcome: Outcome,
        note: String,
        objects: Vec<LinkingObject>,
    ) {
        let now = crate::time_format::now();
        let agents = self.agents.iter().map(|a| a.identifier.clone()).collect();
        self.events.push(Event {
            event_identifier: uuid::Uuid::new_v4().to_string(),
            event_identifier_type: "UUID".into(),
            event_type: kind.1.into(),
            event_type_uri: format!(
                "http://id.loc.gov/vocabulary/preservation/eventType/{}",
                kind.0
            ),
            event_datetime: timestamp(now),
            event_detail: detail,
            event_outcome: outcome,
            event_outcome_uri: outcome.uri().into(),
            event_outcome_detail_note: note,
            linking_agent: agents,
            linking_objects: objects,
        });
    }
}

/// `program="sohoa"; version="x"; step="..."`.
pub fn detail(step: &str) -> String {
    format!(
        "program=\"sohoa\"; version=\"{}\"; step=\"{step}\"",
        env!("CARGO_PKG_VERSION")
    )
}

/// An object the event used: a scan folder or file, a register, a bag file. Identity numbers in
/// its name are masked (the record, metadata.json, keeps the names as they are).
pub fn source(id: impl Into<String>) -> LinkingObject {
    LinkingObject {
        identifier: crate::privacy::mask_ids_loose(&id.into()).into_owned(),
        role: "source".into(),
    }
}

/// An object the event made (identity numbers in its name masked, as for [`source`]).
pub fn outcome(id: impl Into<String>) -> LinkingObject {
    LinkingObject {
        identifier: crate::privacy::mask_ids_loose(&id.into()).into_owned(),
        role: "outcome".into(),
    }
}

pub use crate::time_format::timestamp;
