//! The CMS `SignedData` a PAdES signature holds (ETSI EN 319 142-1, baseline B-B): detached
//! content (the PDF's signed byte ranges), SHA-256, the signed attributes content-type,
//! message-digest and signing-certificate-v2 (the signer certificate's hash, as CAdES
//! requires), no signing-time attribute (the time is the signature dictionary's `/M`), and the
//! certificate chain.

use crate::signer::Signer;
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, OctetString, SetOfVec};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::ext::pkix::name::GeneralName;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// `IssuerSerial` (RFC 5035).
#[derive(Clone, Debug, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: x509_cert::serial_number::SerialNumber,
}

/// `ESSCertIDv2` with the default hash algorithm (SHA-256), so it is left out (DER).
#[derive(Clone, Debug, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// `SigningCertificateV2`, no policies.
#[derive(Clone, Debug, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: ObjectIdentifier, value: AttributeValue) -> Result<Attribute, String> {
    let values = SetOfVec::try_from(vec![value]).map_err(|e| e.to_string())?;
    Ok(Attribute { oid, values })
}

fn any<T: Encode>(v: &T) -> Result<Any, String> {
    let der = v.to_der().map_err(|e| e.to_string())?;
    Any::from_der(&der).map_err(|e| e.to_string())
}

const ID_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// The DER `ContentInfo` of a detached CAdES signature over `digest` (SHA-256 of the signed
/// content), with a timestamp on its signature from the TSA at `tsa` when given (PAdES B-T).
pub fn signed_data(
    digest: &[u8; 32],
    signer: &dyn Signer,
    tsa: Option<&str>,
) -> Result<Vec<u8>, String> {
    let certs = signer.certificates();
    let leaf = certs.first().ok_or("no signer certificate")?;
    let leaf_der = leaf.to_der().map_err(|e| e.to_string())?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&leaf_der).to_vec())
                .map_err(|e| e.to_string())?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    leaf.tbs_certificate.issuer.clone(),
                )],
                serial_number: leaf.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    let attrs = vec![
        attribute(ID_CONTENT_TYPE, any(&ID_DATA)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            any(&OctetString::new(digest.to_vec()).map_err(|e| e.to_string())?)?,
        )?,
        attribute(ID_SIGNING_CERTIFICATE_V2, any(&ess)?)?,
    ];
    let signed_attrs = SetOfVec::try_from(attrs).map_err(|e| e.to_string())?;
    // The signature covers the attributes' DER as a SET OF (RFC 5652 5.4).
    let to_sign = signed_attrs.to_der().map_err(|e| e.to_string())?;
    let signature = signer.sign(&to_sign)?;
    let unsigned_attrs = match tsa {
        Some(url) => {
            let token = crate::tsa::token(url, &signature)?;
            let token = Any::from_der(&token).map_err(|e| e.to_string())?;
            Some(
                SetOfVec::try_from(vec![attribute(ID_SIGNATURE_TIME_STAMP_TOKEN, token)?])
                    .map_err(|e| e.to_string())?,
            )
        }
        None => None,
    };
    let sha256 = AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    };
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: leaf.tbs_certificate.issuer.clone(),
            serial_number: leaf.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signer.algorithm(),
        signature: OctetString::new(signature).map_err(|e| e.to_string())?,
        unsigned_attrs,
    };
    let set = CertificateSet(
        SetOfVec::try_from(
            certs
                .iter()
                .cloned()
                .map(cms::cert::CertificateChoices::Certificate)
                .collect::<Vec<_>>(),
        )
        .map_err(|e| e.to_string())?,
    );
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(|e| e.to_string())?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(set),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![info]).map_err(|e| e.to_string())?),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: any(&sd)?,
    }
    .to_der()
    .map_err(|e| e.to_string())
}
