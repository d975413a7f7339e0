//! PREMIS 3.0 (`http://www.loc.gov/premis/v3`) from a bag's event log: the objects of the
//! package with their SHA-256 fixity, every preservation event sohoa recorded for the case
//! (type, time, detail, outcome, agents, objects) and the agents. The package's own creation
//! is one more event ("information package creation", as TT 05/2025 names the step).

use crate::xml::El;
use sohoa_archive::events::{Agent, Event};

/// A file of the package as PREMIS describes it.
pub(crate) struct FileObject {
    /// Path inside the package (its identifier, type `local`).
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// Format name (`PDF/A-2b`, `text/plain`, ...).
    pub format: String,
}

const NS: &str = "http://www.loc.gov/premis/v3";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const EVENT_TYPES: &str = "http://id.loc.gov/vocabulary/preservation/eventType";

fn identifier(kind: &str, id_type: &str, value: &str) -> El {
    El::new(format!("premis:{kind}Identifier"))
        .child(El::leaf(format!("premis:{kind}IdentifierType"), id_type))
        .child(El::leaf(format!("premis:{kind}IdentifierValue"), value))
}

/// `premis:object` of type representation: the representation as a whole.
pub(crate) fn representation(id: &str) -> El {
    El::new("premis:object")
        .attr("xsi:type", "premis:representation")
        .child(identifier("object", "local", id))
}

/// `premis:object` of type file.
pub(crate) fn file(f: &FileObject) -> El {
    El::new("premis:object")
        .attr("xsi:type", "premis:file")
        .child(identifier("object", "local", &f.path))
        .child(
            El::new("premis:objectCharacteristics")
                .child(El::leaf("premis:compositionLevel", "0"))
                .child(
                    El::new("premis:fixity")
                        .child(El::leaf("premis:messageDigestAlgorithm", "SHA-256"))
                        .child(El::leaf("premis:messageDigest", &f.sha256)),
                )
                .child(El::leaf("premis:size", f.size.to_string()))
                .child(
                    El::new("premis:format").child(
                        El::new("premis:formatDesignation")
                            .child(El::leaf("premis:formatName", &f.format)),
                    ),
                ),
        )
}

/// `premis:event` from one of the bag's events.
pub(crate) fn event(e: &Event) -> El {
    let mut el = El::new("premis:event")
        .child(identifier(
            "event",
            if e.event_identifier_type.is_empty() {
                "UUID"
            } else {
                &e.event_identifier_type
            },
            &e.event_identifier,
        ))
        .child(
            El::new("premis:eventType")
                .attr("authority", "eventType")
                .attr("authorityURI", EVENT_TYPES)
                .attr_opt(
                    "valueURI",
                    Some(e.event_type_uri.clone()).filter(|u| !u.is_empty()),
                )
                .text(&e.event_type),
        )
        .child(El::leaf("premis:eventDateTime", &e.event_datetime));
    if !e.event_detail.is_empty() {
        el = el.child(
            El::new("premis:eventDetailInformation")
                .child(El::leaf("premis:eventDetail", &e.event_detail)),
        );
    }
    let outcome = format!("{:?}", e.event_outcome).to_lowercase();
    let mut info = El::new("premis:eventOutcomeInformation").child(
        El::new("premis:eventOutcome")
            .attr_opt(
                "valueURI",
                Some(e.event_outcome_uri.clone()).filter(|u| !u.is_empty()),
            )
            .text(outcome),
    );
    if !e.event_outcome_detail_note.is_empty() {
        info = info.child(El::new("premis:eventOutcomeDetail").child(El::leaf(
            "premis:eventOutcomeDetailNote",
            &e.event_outcome_detail_note,
        )));
    }
    el = el.child(info);
    for a in &e.linking_agent {
        el = el.child(identifier("linkingAgent", "local", a));
    }
    for o in &e.linking_objects {
        el = el.child(
            El::new("premis:linkingObjectIdentifier")
                .child(El::leaf("premis:linkingObjectIdentifierType", "local"))
                .child(El::leaf(
                    "premis:linkingObjectIdentifierValue",
                    &o.identifier,
                ))
                .child(El::leaf("premis:linkingObjectRole", &o.role)),
        );
    }
    el
}

/// `premis:agent`.
pub(crate) fn agent(a: &Agent) -> El {
    El::new("premis:agent")
        .child(identifier("agent", "local", &a.identifier))
        .child(El::leaf("premis:agentName", &a.name))
        .child(El::leaf("premis:agentType", &a.agent_type))
        .children(a.version.iter().map(|v| El::leaf("premis:agentVersion", v)))
}

/// The PREMIS document: objects, then events, then agents (the schema's order). `schemas` is
/// the package's `schemas/` folder relative to the file.
pub(crate) fn document(objects: Vec<El>, events: &[Event], agents: &[Agent], schemas: &str) -> El {
    El::new("premis:premis")
        .attr("xmlns:premis", NS)
        .attr("xmlns:xsi", XSI)
        .attr("xsi:schemaLocation", format!("{NS} {schemas}premis.xsd"))
        .attr("version", "3.0")
        .children(objects)
        .children(events.iter().map(event))
        .children(agents.iter().map(agent))
}
