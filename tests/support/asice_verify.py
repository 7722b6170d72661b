"""What a receiver of a Fiks IO message checks of its ASiC-E signature, written for the tests
from the specifications (ETSI EN 319 162-1 for the container, W3C XML-DSig and ETSI EN 319 132-1
for the signature), not from ipplan's signing code: each reference's digest matches the file in
the container (or the SignedProperties), every file is signed, the signature value verifies with
the certificate in KeyInfo, that certificate is the one expected, and SigningCertificateV2 names
it. Any failure raises SignatureInvalid."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
ASIC = "http://uri.etsi.org/02918/v1.2.1#"
NS = {"ds": DS, "xades": XADES, "asic": ASIC}
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


class SignatureInvalid(Exception):
    pass


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _c14n(element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def verify(container: bytes, expected: x509.Certificate) -> dict[str, bytes]:
    """The container's signed files, by path, if its signature holds."""
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    signatures = [n for n in files if n.startswith("META-INF/") and "signatures" in n]
    if signatures != ["META-INF/signatures.xml"]:
        raise SignatureInvalid(f"signature files: {signatures}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(files["META-INF/signatures.xml"], parser)
    if root.tag != f"{{{ASIC}}}XAdESSignatures":
        raise SignatureInvalid(f"root element {root.tag}")
    [signature] = root.findall("ds:Signature", NS)
    signed_info = signature.find("ds:SignedInfo", NS)
    method = signed_info.find("ds:CanonicalizationMethod", NS).get("Algorithm")
    if method != EXC_C14N:
        raise SignatureInvalid(f"canonicalisation {method}")

    signed: set[str] = set()
    properties_checked = False
    for reference in signed_info.findall("ds:Reference", NS):
        if reference.find("ds:DigestMethod", NS).get("Algorithm") != SHA256:
            raise SignatureInvalid("digest method")
        uri = reference.get("URI")
        if reference.get("Type") == "http://uri.etsi.org/01903#SignedProperties":
            [target] = signature.xpath(".//*[@Id=$id]", id=uri.removeprefix("#"))
            if target.tag != f"{{{XADES}}}SignedProperties":
                raise SignatureInvalid("the properties reference points elsewhere")
            content = _c14n(target)
            properties_checked = True
        else:
            name = unquote(uri)
            if name not in files or name.startswith("META-INF/") or name == "mimetype":
                raise SignatureInvalid(f"reference to {uri}")
            content = files[name]
            signed.add(name)
        if reference.find("ds:DigestValue", NS).text != _sha256(content):
            raise SignatureInvalid(f"digest of {uri} does not match")
    data = {n for n in files if n != "mimetype" and not n.startswith("META-INF/")}
    if signed != data or not properties_checked:
        raise SignatureInvalid(f"unsigned files: {sorted(data - signed)}")

    certificate_der = base64.b64decode(
        signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS).text
    )
    certificate = x509.load_der_x509_certificate(certificate_der)
    if certificate != expected:
        raise SignatureInvalid("signed with another certificate")
    cert_digest = signature.find(
        ".//xades:SignedProperties//xades:SigningCertificateV2/xades:Cert/xades:CertDigest", NS
    )
    if cert_digest.find("ds:DigestValue", NS).text != _sha256(
        expected.public_bytes(serialization.Encoding.DER)
    ):
        raise SignatureInvalid("SigningCertificateV2 names another certificate")
    if not signature.findtext(".//xades:SignedProperties//xades:SigningTime", namespaces=NS):
        raise SignatureInvalid("no signing time")
    value = base64.b64decode(signature.find("ds:SignatureValue", NS).text)
    try:
        certificate.public_key().verify(
            value, _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature as error:
        raise SignatureInvalid("signature value does not verify") from error
    return {name: files[name] for name in sorted(data)}
