"""The ASiC-E signature: META-INF/signatures.xml, signed with the business certificate.

ETSI EN 319 162-1 (ASiC baseline): an ASiC-E container with XAdES signatures holds them in
META-INF/*signatures*.xml, root element asic:XAdESSignatures (namespace
http://uri.etsi.org/02918/v1.2.1#) with one ds:Signature per signer. The signature is a detached
XML signature (W3C XML-DSig) whose ds:References name each signed file of the container by its
path (the URI), with the SHA-256 digest of the file's bytes, plus one reference to the XAdES
SignedProperties (ETSI EN 319 132-1, XAdES baseline B: SigningTime, SigningCertificateV2 with
the certificate's digest, and a DataObjectFormat with the MIME type of each file). The signing
certificate is in ds:KeyInfo/ds:X509Data. SignedInfo and SignedProperties are canonicalised
with exclusive XML canonicalisation; the signature is RSA-SHA256.

This is what Fiks IO's own clients do with the business certificate (virksomhetssertifikat,
the "SIGN" certificate; the .NET client calls its setting AsiceSigningConfiguration, the Java
client VirksomhetssertifikatKonfigurasjon): the receiver checks who sent the message. The key
and certificate are their own settings (IPPLAN_FIKS_SIGNING_KEY_FILE and
IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE), apart from the Fiks IO account's key pair, which only
decrypts replies.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SIGNATURES_PATH = "META-INF/signatures.xml"
ASIC_NS = "http://uri.etsi.org/02918/v1.2.1#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
SIGNATURE_ID = "Signature1"
PROPERTIES_ID = "SignedProperties1"
NSMAP = {"asic": ASIC_NS, "ds": DS_NS, "xades": XADES_NS}


@dataclass(frozen=True)
class Signer:
    key: object  # an RSA private key from cryptography
    certificate: x509.Certificate


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _digest(data: bytes) -> str:
    return _b64(hashlib.sha256(data).digest())


def c14n(element) -> bytes:
    """Exclusive XML canonicalisation (without comments) of one element and its content."""
    from lxml import etree

    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _ds(parent, name: str, text: str | None = None, **attributes):
    from lxml import etree

    element = etree.SubElement(parent, f"{{{DS_NS}}}{name}", attributes)
    element.text = text
    return element


def _xades(parent, name: str, text: str | None = None, **attributes):
    from lxml import etree

    element = etree.SubElement(parent, f"{{{XADES_NS}}}{name}", attributes)
    element.text = text
    return element


def _reference(signed_info, *, uri: str, digest: str, type_: str = "", id_: str = ""):
    attributes = {"URI": uri}
    if id_:
        attributes["Id"] = id_
    if type_:
        attributes["Type"] = type_
    reference = _ds(signed_info, "Reference", **attributes)
    if type_ == SIGNED_PROPERTIES_TYPE:
        transforms = _ds(reference, "Transforms")
        _ds(transforms, "Transform", Algorithm=EXC_C14N)
    _ds(reference, "DigestMethod", Algorithm=SHA256)
    _ds(reference, "DigestValue", digest)
    return reference


def signatures_xml(
    files: list[tuple[str, bytes, str]],
    signer: Signer,
    *,
    now: datetime.datetime | None = None,
) -> bytes:
    """META-INF/signatures.xml over these (path, content, MIME type) files. (lxml is imported
    where it is used: only an installation that signs Fiks IO messages loads it.)"""
    from lxml import etree

    signed_at = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    certificate_der = signer.certificate.public_bytes(serialization.Encoding.DER)

    root = etree.Element(f"{{{ASIC_NS}}}XAdESSignatures", nsmap=NSMAP)
    signature = _ds(root, "Signature", Id=SIGNATURE_ID)
    signed_info = _ds(signature, "SignedInfo")
    signature_value = _ds(signature, "SignatureValue", Id=f"{SIGNATURE_ID}-value")
    key_info = _ds(signature, "KeyInfo")
    _ds(_ds(key_info, "X509Data"), "X509Certificate", _b64(certificate_der))

    # The qualifying properties first: their digest goes into SignedInfo.
    qualifying = _xades(_ds(signature, "Object"), "QualifyingProperties", Target=f"#{SIGNATURE_ID}")
    properties = _xades(qualifying, "SignedProperties", Id=PROPERTIES_ID)
    signature_properties = _xades(properties, "SignedSignatureProperties")
    _xades(signature_properties, "SigningTime", signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    cert_digest = _xades(
        _xades(_xades(signature_properties, "SigningCertificateV2"), "Cert"), "CertDigest"
    )
    _ds(cert_digest, "DigestMethod", Algorithm=SHA256)
    _ds(cert_digest, "DigestValue", _digest(certificate_der))
    data_properties = _xades(properties, "SignedDataObjectProperties")

    _ds(signed_info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _ds(signed_info, "SignatureMethod", Algorithm=RSA_SHA256)
    for number, (name, content, mime) in enumerate(files, start=1):
        _reference(signed_info, uri=quote(name), digest=_digest(content), id_=f"r-id-{number}")
        data_format = _xades(data_properties, "DataObjectFormat", ObjectReference=f"#r-id-{number}")
        _xades(data_format, "MimeType", mime)
    _reference(
        signed_info,
        uri=f"#{PROPERTIES_ID}",
        digest=_digest(c14n(properties)),
        type_=SIGNED_PROPERTIES_TYPE,
    )
    value = signer.key.sign(c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    signature_value.text = _b64(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
