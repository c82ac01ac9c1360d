"""Certificate Manager service 0x30 (manual 2.14 §20, p177-p200; v2 firmware only).

Certificates, keys and OCSP responses are generated here with ``cryptography``; the values the
info records must carry are computed independently in this file (hashlib over the DER taken
apart by a small TLV reader, or literal values chosen when building the certificate).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from freev2g.emulator.services.certmgr import (
    INDEX_SYNC_DELAY,
    STATUS_DELAY,
    CertificateFacts,
    CertificateManagerService,
    Entry,
    Store,
    certificate_facts,
)
from freev2g.hci.catalog import certmgr as cm
from freev2g.hci.catalog.certmgr import (
    FIRST_ENTRY,
    NO_STORE,
    KeyUsage,
    OwnCertificateFlags,
    OwnCertificateInfo,
    OwnCertificatesLoadStatus,
    PublicKeyAlgorithm,
    SignatureAlgorithm,
    TrustFlags,
    TrustStoreInfo,
    TrustStoreLoadStatus,
)
from freev2g.hci.message import Decoded
from tests.catalog.test_certmgr import OC_INFO, OC_PATH, TS_INFO, TS_PATH, VECTORS
from tests.emulator.examples import check_example, example_pairs, send_example
from tests.emulator.harness import Host, result_code

BUSY, NOT_ACCEPTED, NO_ENTRY = 0x01, 0x04, 0xFF
EPS = 0.001  # timing is checked to a millisecond either side of the documented delay
DER = serialization.Encoding.DER

# The trust store example's validity (p180): 2018-08-20T10:51:01Z to 2100-12-31T23:59:59Z.
NOT_BEFORE, NOT_BEFORE_S = datetime(2018, 8, 20, 10, 51, 1, tzinfo=UTC), 0x5B7A9D15
NOT_AFTER, NOT_AFTER_S = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC), 0xF6678A7F
THIS_UPDATE, THIS_UPDATE_S = datetime(2025, 6, 1, 8, 0, tzinfo=UTC), 1748764800
NEXT_UPDATE, NEXT_UPDATE_S = datetime(2025, 6, 8, 8, 0, tzinfo=UTC), 1749369600


# -- test PKI -------------------------------------------------------------------------------------


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "FreeV2G test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def build(key: CertificateIssuerPrivateKeyTypes, subject: str, *, serial: int,
          issuer: x509.Name | None = None, issuer_key: CertificateIssuerPrivateKeyTypes | None = None,
          extensions: tuple[tuple[x509.ExtensionType, bool], ...] = (),
          digest: hashes.HashAlgorithm | None = None, rsa_padding: Any = None,
          not_before: datetime = NOT_BEFORE, not_after: datetime = NOT_AFTER) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(issuer or name(subject))
               .public_key(key.public_key()).serial_number(serial)
               .not_valid_before(not_before).not_valid_after(not_after))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return builder.sign(issuer_key or key, digest or hashes.SHA256(), rsa_padding=rsa_padding)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(DER)


def facts(cert: x509.Certificate) -> CertificateFacts:
    found = certificate_facts(der(cert))
    assert found is not None
    return found


def private_der(key: Any, form: serialization.PrivateFormat = serialization.PrivateFormat.PKCS8) -> bytes:
    return key.private_bytes(DER, form, serialization.NoEncryption())


ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
LEAF_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ROOT_SKI = x509.SubjectKeyIdentifier.from_public_key(ROOT_KEY.public_key())
LEAF_SKI = bytes.fromhex("5EC05EC0") + bytes(range(16))  # not derived from the key: read, not computed

# An EC P-256 CA (self-signed, ECDSA with SHA-256), as a V2G root.
ROOT = build(ROOT_KEY, "V2G Root", serial=0x1001, extensions=(
    (x509.BasicConstraints(ca=True, path_length=None), True),
    (x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                   encipher_only=False, decipher_only=False), True),
    (ROOT_SKI, False),
    (x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ROOT_SKI), False),
))
# An EC P-256 SECC leaf issued by ROOT.
LEAF = build(LEAF_KEY, "SECC Leaf", serial=0x2002, issuer=ROOT.subject, issuer_key=ROOT_KEY, extensions=(
    (x509.BasicConstraints(ca=False, path_length=None), True),
    (x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=True, key_cert_sign=False, crl_sign=False,
                   encipher_only=False, decipher_only=False), True),
    (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    (x509.SubjectKeyIdentifier(LEAF_SKI), False),
    (x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ROOT_SKI), False),
))
# An RSA 2048 CA, sha256WithRSAEncryption, without an authority key identifier.
RSA_ROOT = build(RSA_KEY, "RSA Root", serial=0x3003, extensions=(
    (x509.BasicConstraints(ca=True, path_length=0), True),
    (x509.SubjectKeyIdentifier.from_public_key(RSA_KEY.public_key()), False),
))
# RSA key, RSASSA-PSS signature (SHA-256, MGF1 SHA-256, salt 32), no extensions.
RSA_PSS = build(RSA_KEY, "RSA PSS", serial=0x4004, digest=hashes.SHA256(),
                rsa_padding=padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32))
# Self-signed P-384 and P-521 certificates without any extension.
P384_KEY = ec.generate_private_key(ec.SECP384R1())
P384 = build(P384_KEY, "P-384", serial=0x5005, digest=hashes.SHA384())
P521 = build(ec.generate_private_key(ec.SECP521R1()), "P-521", serial=0x6006, digest=hashes.SHA512())
# Issuer name equal to the subject, but signed by another key: not self-signed.
LOOKALIKE = build(LEAF_KEY, "Lookalike", serial=0x7007, issuer_key=OTHER_KEY)


@dataclass(frozen=True)
class Case:
    """A certificate and the values chosen when building it (the rest is computed from its DER)."""

    cert: x509.Certificate
    public_key: tuple[PublicKeyAlgorithm, bytes]
    signature: tuple[SignatureAlgorithm, bytes]
    subject_key_id: bytes  # the 4-byte prefixes the records must carry
    authority_key_id: bytes
    key_usage: int
    ca: bool
    self_signed: bool

    def __str__(self) -> str:
        return str(self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


EC256 = (PublicKeyAlgorithm.EC_PUBLIC_KEY, bytes((1, 0, 0)))  # secp256r1 = 1 (p179)
RSA_ENC = (PublicKeyAlgorithm.RSA_ENCRYPTION, bytes(3))
ECDSA_SHA256 = (SignatureAlgorithm.SHA256_WITH_ECDSA, bytes(3))

CASES = [
    Case(ROOT, EC256, ECDSA_SHA256, ROOT_SKI.digest[:4], ROOT_SKI.digest[:4], 0x20 | 0x40, ca=True,
         self_signed=True),
    Case(LEAF, EC256, ECDSA_SHA256, bytes.fromhex("5EC05EC0"), ROOT_SKI.digest[:4],
         0x01 | 0x10 | 0x20000 | 0x40000, ca=False, self_signed=False),
    Case(RSA_ROOT, RSA_ENC, (SignatureAlgorithm.SHA256_WITH_RSA, bytes(3)),
         x509.SubjectKeyIdentifier.from_public_key(RSA_KEY.public_key()).digest[:4], bytes(4), 0,
         ca=True, self_signed=True),
    # PSS parameters: hash SHA256 = 2, MGF1 SHA256 = 2, salt length 32 (p179).
    Case(RSA_PSS, RSA_ENC, (SignatureAlgorithm.RSASSA_PSS, bytes((2, 2, 32))), bytes(4), bytes(4), 0,
         ca=False, self_signed=True),
    Case(P384, (PublicKeyAlgorithm.EC_PUBLIC_KEY, bytes((2, 0, 0))), (SignatureAlgorithm.SHA384_WITH_ECDSA, bytes(3)),
         bytes(4), bytes(4), 0, ca=False, self_signed=True),
    Case(P521, (PublicKeyAlgorithm.EC_PUBLIC_KEY, bytes((3, 0, 0))), (SignatureAlgorithm.SHA512_WITH_ECDSA, bytes(3)),
         bytes(4), bytes(4), 0, ca=False, self_signed=True),
    Case(LOOKALIKE, EC256, ECDSA_SHA256, bytes(4), bytes(4), 0, ca=False, self_signed=False),
]


def ocsp_response(cert: x509.Certificate, issuer: x509.Certificate, issuer_key: Any, *,
                  next_update: datetime | None = NEXT_UPDATE) -> bytes:
    response = (ocsp.OCSPResponseBuilder()
                .add_response(cert=cert, issuer=issuer, algorithm=hashes.SHA1(),
                              cert_status=ocsp.OCSPCertStatus.GOOD, this_update=THIS_UPDATE,
                              next_update=next_update, revocation_time=None, revocation_reason=None)
                .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
                .sign(issuer_key, hashes.SHA256()))
    return response.public_bytes(DER)


# -- independent computations ---------------------------------------------------------------------


def tlvs(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """The DER TLVs in ``data``, each as (tag, whole TLV, contents)."""
    items, pos = [], 0
    while pos < len(data):
        tag, length, start = data[pos], data[pos + 1], pos + 2
        if length & 0x80:
            count = length & 0x7F
            length, start = int.from_bytes(data[start:start + count], "big"), start + count
        items.append((tag, data[pos:start + length], data[start:start + length]))
        pos = start + length
    return items


@dataclass(frozen=True)
class Hashes:
    certificate: bytes
    subject: bytes
    issuer: bytes
    public_key: bytes


def sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()


def hashes_of(cert: x509.Certificate) -> Hashes:
    """SHA-1 of the DER, of the subject and issuer Name TLVs, and of the subjectPublicKey bits."""
    ((_, _, tbs),) = tlvs(cert.tbs_certificate_bytes)
    fields = tlvs(tbs)
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    _serial, _signature, issuer, _validity, subject, spki = fields[:6]
    _algorithm, (tag, _, bits) = tlvs(spki[2])
    assert tag == 0x03 and bits[0] == 0  # BIT STRING without unused bits
    return Hashes(sha1(der(cert)), sha1(subject[1]), sha1(issuer[1]), sha1(bits[1:]))


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def with_checksum(response: Any) -> Any:
    """``response`` with its record's checksum: CRC-16/CCITT of the record bytes before it."""
    checksum = crc16_ccitt(response.payload()[1:-2])  # without the result code and the checksum
    return type(response)(info=dataclasses.replace(response.info, checksum=checksum))


def trust_info(case: Case, entry: int = 0) -> cm.TrustStoreGetCertificateInfo.Response:
    digest = hashes_of(case.cert)
    flags = 0x8000 | (TrustFlags.TRUST_ANCHOR if case.self_signed else 0)
    return with_checksum(cm.TrustStoreGetCertificateInfo.Response(info=TrustStoreInfo(
        entry=entry, filename=digest.certificate.hex(), flags=TrustFlags(flags),
        certificate_hash=digest.certificate, subject_rdn_hash_prefix=digest.subject[:4],
        subject_key_id_prefix=case.subject_key_id, public_key_algorithm=case.public_key[0],
        public_key_parameters=case.public_key[1], not_valid_before=NOT_BEFORE_S,
        not_valid_after=NOT_AFTER_S, checksum=0)))


def own_info(case: Case, entry: int = 0, *, flags: int = 0, this_update: int = 0,
             next_update: int = 0) -> cm.OwnCertificatesGetCertificateInfo.Response:
    digest = hashes_of(case.cert)
    flags |= 0x8000 | OwnCertificateFlags.CERTIFICATE_AVAILABLE
    flags |= (OwnCertificateFlags.CA_CERTIFICATE if case.ca else 0)
    flags |= (OwnCertificateFlags.SELF_SIGNED if case.self_signed else 0)
    return with_checksum(cm.OwnCertificatesGetCertificateInfo.Response(info=OwnCertificateInfo(
        entry=entry, filename=str(entry), flags=OwnCertificateFlags(flags),
        certificate_hash=digest.certificate, subject_rdn_hash=digest.subject,
        public_key_hash=digest.public_key, issuer_rdn_hash_prefix=digest.issuer[:4],
        subject_key_id_prefix=case.subject_key_id, authority_key_id_prefix=case.authority_key_id,
        permitted_key_usage=KeyUsage(case.key_usage), public_key_algorithm=case.public_key[0],
        public_key_parameters=case.public_key[1], signature_algorithm=case.signature[0],
        signature_parameters=case.signature[1], not_valid_before=NOT_BEFORE_S,
        not_valid_after=NOT_AFTER_S, this_update=this_update, next_update=next_update, checksum=0)))


# -- host helpers -----------------------------------------------------------------------------------


@pytest.fixture
def host() -> Host:
    return Host.with_service(CertificateManagerService)


def settle(host: Host) -> list[Decoded]:
    """What the module reports until the Index Synchronized of the last command is due."""
    host.clock.advance(INDEX_SYNC_DELAY)
    return host.decoded()


def open_trust(host: Host, path: str = TS_PATH) -> int:
    answer = host.request(cm.TrustStoreOpen(path=path))
    assert isinstance(answer, cm.TrustStoreOpen.Response) and answer.handle != NO_STORE, answer
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=answer.handle)]
    return answer.handle


def open_own(host: Host, path: str = OC_PATH) -> int:
    answer = host.request(cm.OwnCertificatesOpen(path=path))
    assert isinstance(answer, cm.OwnCertificatesOpen.Response) and answer.handle != NO_STORE, answer
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=answer.handle)]
    return answer.handle


def add_trust(host: Host, store: int, data: bytes) -> cm.TrustStoreCertificateStatus:
    """Add to the trust store; the Certificate Status (followed by Index Synchronized)."""
    assert host.request(cm.TrustStoreAddCertificate(trust_store=store, data=data)) == \
        cm.TrustStoreAddCertificate.Response()
    status, synchronized = settle(host)
    assert synchronized == cm.TrustStoreIndexSynchronized(trust_store=store)
    assert isinstance(status, cm.TrustStoreCertificateStatus)
    return status


def add_own(host: Host, store: int, data: bytes) -> tuple[int, cm.OwnCertificatesCertificateStatus]:
    """Add to the own certificates; the entry of the response and the Certificate Status."""
    answer = host.request(cm.OwnCertificatesAddCertificate(own_store=store, data=data))
    assert isinstance(answer, cm.OwnCertificatesAddCertificate.Response), answer
    status, synchronized = settle(host)
    assert synchronized == cm.OwnCertificatesIndexSynchronized(own_store=store)
    assert isinstance(status, cm.OwnCertificatesCertificateStatus)
    return answer.entry, status


def add_to_entry(host: Host, command: cm.OwnCertificatesAddPrivateKey | cm.OwnCertificatesAddOcspResponse
                 ) -> OwnCertificatesLoadStatus:
    assert host.request(command) == command.Response()
    status, synchronized = settle(host)
    assert synchronized == cm.OwnCertificatesIndexSynchronized(own_store=command.own_store)
    assert isinstance(status, cm.OwnCertificatesCertificateStatus)
    assert (status.own_store, status.entry) == (command.own_store, command.entry)
    return status.status


def own_flags(host: Host, store: int, entry: int) -> OwnCertificateFlags:
    answer = host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=entry))
    assert isinstance(answer, cm.OwnCertificatesGetCertificateInfo.Response), answer
    return answer.info.flags


# -- the manual's examples --------------------------------------------------------------------------


def vector(page: str) -> Any:
    return next(v for v in VECTORS if v.page == page)


def example_facts(info: TrustStoreInfo | OwnCertificateInfo, *, self_signed: bool) -> CertificateFacts:
    """Facts of the certificate behind an example record (the certificate is not printed)."""
    own = isinstance(info, OwnCertificateInfo)
    return CertificateFacts(
        der=b"", serial=0, sha1=info.certificate_hash,
        subject_hash=info.subject_rdn_hash if own else info.subject_rdn_hash_prefix + bytes(16),
        issuer_hash=(info.issuer_rdn_hash_prefix if own else info.subject_rdn_hash_prefix) + bytes(16),
        public_key_hash=info.public_key_hash if own else bytes(20), public_key_info=b"",
        subject_key_id=info.subject_key_id_prefix,
        authority_key_id=info.authority_key_id_prefix if own else bytes(4),
        key_usage=info.permitted_key_usage if own else KeyUsage(0), ca=False, self_signed=self_signed,
        public_key_algorithm=info.public_key_algorithm, public_key_parameters=info.public_key_parameters,
        signature_algorithm=info.signature_algorithm if own else SignatureAlgorithm.NONE,
        signature_parameters=info.signature_parameters if own else bytes(3),
        not_before=info.not_valid_before, not_after=info.not_valid_after)


def test_manual_examples_in_order(host: Host) -> None:
    """Every example request of §20 in the manual's order, answered with the printed payload.

    State the examples assume is put on the module's flash first: both example directories with an
    entry 0 whose certificate has the facts of the example's record (the certificate itself is not
    printed) and an entry 1 (a generated certificate) for the Remove examples.
    """
    pairs = {type(c.expected): (c, r) for c, r in example_pairs(VECTORS)}
    assert len(pairs) == 11  # Own Certificates Open and Get Certificate Info: printed answers misprinted
    service = host.service(CertificateManagerService)
    service.trust.disk[TS_PATH] = Store(TS_PATH, {0: Entry(example_facts(TS_INFO, self_signed=True)),
                                                  1: Entry(facts(ROOT))})
    service.own.disk[OC_PATH] = Store(OC_PATH, {0: Entry(example_facts(OC_INFO, self_signed=False)),
                                                1: Entry(facts(LEAF))})

    check_example(host, *pairs[cm.TrustStoreOpen])  # p178: handle 0
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=0)]
    for command in (cm.TrustStoreGetCertificateInfo, cm.TrustStoreGetNextEntry):  # p180, p182
        request, response = pairs[command]
        answer = send_example(host, request)
        # Every byte as printed but the checksum, whose algorithm is not documented.
        assert answer.payload[:-2] == response.expected.payload()[:-2], request.page
        assert int.from_bytes(answer.payload[-2:], "big") == crc16_ccitt(answer.payload[1:-2])
    check_example(host, *pairs[cm.TrustStoreAddCertificate])  # p183: accepted; the abridged bytes are no DER
    assert settle(host) == [
        cm.TrustStoreCertificateStatus(trust_store=0, entry=NO_ENTRY, status=TrustStoreLoadStatus.INVALID_FILE),
        cm.TrustStoreIndexSynchronized(trust_store=0)]
    check_example(host, *pairs[cm.TrustStoreRemoveCertificate])  # p184: entry 1
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=0)]
    assert sorted(service.trust.disk[TS_PATH].entries) == [0]

    check_example(host, vector("2.14 p185 corrected (prefix 00 15, length 00 17)"),
                  vector("2.14 p185 corrected (Sub-ID 60)"))
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=0)]
    for request, response in (
            (vector("2.14 p188"), vector("2.14 p188-p189 corrected (Sub-ID 61, ReqID 00)")),
            pairs[cm.OwnCertificatesGetNextEntry]):  # p188, p191
        answer = send_example(host, request)
        printed = bytearray(response.expected.payload())
        printed[42] &= ~0x04  # the flag 0x0400 of the example is undocumented and not reproduced
        assert answer.payload[:-2] == printed[:-2], request.page
        assert int.from_bytes(answer.payload[-2:], "big") == crc16_ccitt(answer.payload[1:-2])
    # p193: the abridged bytes are no certificate, so the entry is 0xFF, not the printed 0 (that
    # answer is checked with a real certificate in test_add_certificate_answers_as_the_examples).
    request, _ = pairs[cm.OwnCertificatesAddCertificate]
    assert send_example(host, request).payload == b"\x00\xff"
    assert settle(host) == [
        cm.OwnCertificatesCertificateStatus(own_store=0, entry=NO_ENTRY, status=OwnCertificatesLoadStatus.INVALID_FILE),
        cm.OwnCertificatesIndexSynchronized(own_store=0)]
    check_example(host, *pairs[cm.OwnCertificatesRemoveCertificate])  # p195: entry 1
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=0)]
    check_example(host, *pairs[cm.OwnCertificatesAddPrivateKey])  # p196: not the key of entry 0
    assert settle(host) == [
        cm.OwnCertificatesCertificateStatus(own_store=0, entry=0,
                                            status=OwnCertificatesLoadStatus.INVALID_FILE_PRIVATE_KEY),
        cm.OwnCertificatesIndexSynchronized(own_store=0)]
    # p197 removes the private key of entry 1, which p195 removed: put it back with its key first.
    assert add_own(host, 0, der(LEAF)) == (1, cm.OwnCertificatesCertificateStatus(
        own_store=0, entry=1, status=OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP))
    assert add_to_entry(host, cm.OwnCertificatesAddPrivateKey(own_store=0, entry=1, data=private_der(LEAF_KEY))) \
        is OwnCertificatesLoadStatus.LOADED_PRIVATE_KEY
    check_example(host, *pairs[cm.OwnCertificatesRemovePrivateKey])  # p197
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=0)]
    assert service.own.disk[OC_PATH].entries[1].key is None
    check_example(host, *pairs[cm.OwnCertificatesAddOcspResponse])  # p198: the abridged bytes are no OCSP
    assert settle(host) == [
        cm.OwnCertificatesCertificateStatus(own_store=0, entry=0, status=OwnCertificatesLoadStatus.INVALID_FILE_OCSP),
        cm.OwnCertificatesIndexSynchronized(own_store=0)]
    assert host.take() == []


def test_add_certificate_answers_as_the_examples(host: Host) -> None:
    """A real certificate in empty stores: the answers are the printed ones (p183, p193-p194)."""
    pairs = {type(c.expected): r for c, r in example_pairs(VECTORS)}
    ts, oc = open_trust(host), open_own(host)
    answer = host.request(cm.TrustStoreAddCertificate(trust_store=ts, data=der(LEAF)))
    assert answer.payload() == pairs[cm.TrustStoreAddCertificate].expected.payload() == b"\x00"
    settle(host)
    answer = host.request(cm.OwnCertificatesAddCertificate(own_store=oc, data=der(LEAF)))
    assert answer.payload() == pairs[cm.OwnCertificatesAddCertificate].expected.payload() == b"\x00\x00"


# -- opening stores ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [TS_PATH, OC_PATH, "fat/a", "fat/deep/er/store/"])
def test_store_on_the_fat_volume_opens(host: Host, path: str) -> None:
    assert host.request(cm.TrustStoreOpen(path=path)) == cm.TrustStoreOpen.Response(handle=0)
    assert host.request(cm.OwnCertificatesOpen(path=path)) == cm.OwnCertificatesOpen.Response(handle=0)
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=0),
                            cm.OwnCertificatesIndexSynchronized(own_store=0)]
    service = host.service(CertificateManagerService)
    assert service.trust_store(path) == Store(path) and service.own_store(path) == Store(path)


@pytest.mark.parametrize("path", ["testdata/cert/ts", "/fat/testdata/cert/ts", "fat/", "fat//", "FAT/cert",
                                  "fatx/cert", "flash/cert/ts", "x"])
def test_other_paths_answer_handle_ff_and_no_status(host: Host, path: str) -> None:
    assert host.request(cm.TrustStoreOpen(path=path)) == cm.TrustStoreOpen.Response(handle=NO_STORE)
    assert host.request(cm.OwnCertificatesOpen(path=path)) == cm.OwnCertificatesOpen.Response(handle=NO_STORE)
    host.clock.advance(10)
    assert host.take() == []
    service = host.service(CertificateManagerService)
    assert (service.trust_store(path), service.own_store(path)) == (None, None)
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=NO_STORE, entry=FIRST_ENTRY))) == \
        NOT_ACCEPTED


def test_handles_count_from_0_per_kind_of_store(host: Host) -> None:
    assert [open_trust(host, p) for p in ("fat/a", "fat/b", "fat/c")] == [0, 1, 2]
    assert [open_own(host, p) for p in ("fat/a", "fat/b")] == [0, 1]


def test_open_is_busy_until_index_synchronized_then_accepted(host: Host) -> None:
    assert host.request(cm.TrustStoreOpen(path=TS_PATH)) == cm.TrustStoreOpen.Response(handle=0)
    busy = [cm.TrustStoreGetCertificateInfo(trust_store=0, entry=0),
            cm.TrustStoreGetNextEntry(trust_store=0, entry=FIRST_ENTRY),
            cm.TrustStoreAddCertificate(trust_store=0, data=der(ROOT)),
            cm.TrustStoreRemoveCertificate(trust_store=0, entry=0),
            cm.TrustStoreOpen(path=TS_PATH)]  # the same store again
    assert [result_code(host.request(command)) for command in busy] == [BUSY] * 5
    host.clock.advance(INDEX_SYNC_DELAY - EPS)
    assert host.take() == []
    assert result_code(host.request(busy[2])) == BUSY
    host.clock.advance(2 * EPS)
    (frame,) = host.take()
    assert (frame.module_id, frame.sub_id, frame.request_id, frame.payload) == (0x30, 0x80, 0xFF, b"\x00")
    assert host.request(busy[2]) == cm.TrustStoreAddCertificate.Response()
    service = host.service(CertificateManagerService)
    assert list(service.trust.disk[TS_PATH].entries) == [0]  # the busy Add stored nothing


def test_own_store_open_is_busy_until_index_synchronized(host: Host) -> None:
    assert host.request(cm.OwnCertificatesOpen(path=OC_PATH)) == cm.OwnCertificatesOpen.Response(handle=0)
    commands = [cm.OwnCertificatesGetCertificateInfo(own_store=0, entry=0),
                cm.OwnCertificatesGetNextEntry(own_store=0, entry=FIRST_ENTRY),
                cm.OwnCertificatesAddCertificate(own_store=0, data=der(LEAF)),
                cm.OwnCertificatesRemoveCertificate(own_store=0, entry=0),
                cm.OwnCertificatesAddPrivateKey(own_store=0, entry=0, data=private_der(LEAF_KEY)),
                cm.OwnCertificatesRemovePrivateKey(own_store=0, entry=0),
                cm.OwnCertificatesAddOcspResponse(own_store=0, entry=0, data=b"\x30\x00"),
                cm.OwnCertificatesOpen(path=OC_PATH)]
    assert [result_code(host.request(command)) for command in commands] == [BUSY] * 8
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=0)]
    assert host.request(commands[2]) == cm.OwnCertificatesAddCertificate.Response(entry=0)


def test_only_the_synchronising_store_is_busy(host: Host) -> None:
    assert host.request(cm.TrustStoreOpen(path="fat/a")) == cm.TrustStoreOpen.Response(handle=0)
    assert host.request(cm.TrustStoreOpen(path="fat/b")) == cm.TrustStoreOpen.Response(handle=1)
    assert host.request(cm.OwnCertificatesOpen(path="fat/a")) == cm.OwnCertificatesOpen.Response(handle=0)
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=0),
                            cm.TrustStoreIndexSynchronized(trust_store=1),
                            cm.OwnCertificatesIndexSynchronized(own_store=0)]
    assert host.request(cm.TrustStoreAddCertificate(trust_store=0, data=der(ROOT))) == \
        cm.TrustStoreAddCertificate.Response()
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=0, entry=FIRST_ENTRY))) == BUSY
    assert host.request(cm.TrustStoreAddCertificate(trust_store=1, data=der(LEAF))) == \
        cm.TrustStoreAddCertificate.Response()
    assert host.request(cm.OwnCertificatesAddCertificate(own_store=0, data=der(ROOT))) == \
        cm.OwnCertificatesAddCertificate.Response(entry=0)
    loaded = TrustStoreLoadStatus.LOADED_CERTIFICATE
    assert settle(host) == [
        cm.TrustStoreCertificateStatus(trust_store=0, entry=0, status=loaded),
        cm.TrustStoreCertificateStatus(trust_store=1, entry=0, status=loaded),
        cm.OwnCertificatesCertificateStatus(own_store=0, entry=0,
                                            status=OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP),
        cm.TrustStoreIndexSynchronized(trust_store=0), cm.TrustStoreIndexSynchronized(trust_store=1),
        cm.OwnCertificatesIndexSynchronized(own_store=0)]


def test_open_again_keeps_the_handle_and_synchronizes_again(host: Host) -> None:
    assert open_trust(host, "fat/a") == 0
    assert open_trust(host, "fat/b") == 1
    assert add_trust(host, 0, der(ROOT)).status is TrustStoreLoadStatus.LOADED_CERTIFICATE
    assert open_trust(host, "fat/a") == 0  # followed by its Index Synchronized (checked in open_trust)
    assert open_trust(host, "fat/c") == 2
    assert host.request(cm.TrustStoreGetCertificateInfo(trust_store=0, entry=0)) == trust_info(CASES[0])


# -- adding certificates --------------------------------------------------------------------------


def test_add_reports_status_then_index_synchronized_at_the_documented_delays(host: Host) -> None:
    assert (STATUS_DELAY, INDEX_SYNC_DELAY) == (0.1, 0.2)
    store = open_trust(host)
    start = host.clock.now()

    def until(moment: float) -> list[Decoded]:
        host.clock.advance(start + moment - host.clock.now())
        return host.decoded()

    assert host.request(cm.TrustStoreAddCertificate(trust_store=store, data=der(ROOT))) == \
        cm.TrustStoreAddCertificate.Response()
    assert until(STATUS_DELAY - EPS) == []
    assert until(STATUS_DELAY + EPS) == [
        cm.TrustStoreCertificateStatus(trust_store=store, entry=0, status=TrustStoreLoadStatus.LOADED_CERTIFICATE)]
    assert result_code(host.request(cm.TrustStoreGetCertificateInfo(trust_store=store, entry=0))) == BUSY
    assert until(INDEX_SYNC_DELAY - EPS) == []
    assert until(INDEX_SYNC_DELAY + EPS) == [cm.TrustStoreIndexSynchronized(trust_store=store)]
    assert host.request(cm.TrustStoreGetCertificateInfo(trust_store=store, entry=0)) == trust_info(CASES[0])
    assert until(10) == []


def test_own_add_reports_status_then_index_synchronized_at_the_documented_delays(host: Host) -> None:
    store = open_own(host)
    start = host.clock.now()
    assert host.request(cm.OwnCertificatesAddCertificate(own_store=store, data=der(LEAF))) == \
        cm.OwnCertificatesAddCertificate.Response(entry=0)
    host.clock.advance(start + STATUS_DELAY - EPS - host.clock.now())
    assert host.take() == []
    host.clock.advance(2 * EPS)
    (status,) = host.take()
    assert (status.module_id, status.sub_id, status.request_id, status.payload) == (0x30, 0xA1, 0xFF, b"\x00\x00\x00")
    host.clock.advance(start + INDEX_SYNC_DELAY - EPS - host.clock.now())
    assert host.take() == []
    host.clock.advance(2 * EPS)
    assert host.decoded() == [cm.OwnCertificatesIndexSynchronized(own_store=store)]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_trust_store_info_is_computed_from_the_certificate(host: Host, case: Case) -> None:
    store = open_trust(host)
    assert add_trust(host, store, der(case.cert)) == cm.TrustStoreCertificateStatus(
        trust_store=store, entry=0, status=TrustStoreLoadStatus.LOADED_CERTIFICATE)
    expected = trust_info(case)
    assert host.request(cm.TrustStoreGetCertificateInfo(trust_store=store, entry=0)) == expected
    assert host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=FIRST_ENTRY)) == \
        cm.TrustStoreGetNextEntry.Response(info=expected.info)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_own_certificate_info_is_computed_from_the_certificate(host: Host, case: Case) -> None:
    store = open_own(host)
    assert add_own(host, store, der(case.cert)) == (0, cm.OwnCertificatesCertificateStatus(
        own_store=store, entry=0, status=OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP))
    expected = own_info(case)
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0)) == expected
    assert host.request(cm.OwnCertificatesGetNextEntry(own_store=store, entry=FIRST_ENTRY)) == \
        cm.OwnCertificatesGetNextEntry.Response(info=expected.info)


def test_independent_values_agree_with_the_certificates_own_view() -> None:
    """The TLV reader above takes the certificates apart as cryptography does."""
    for case in CASES:
        digest = hashes_of(case.cert)
        assert digest.subject == sha1(case.cert.subject.public_bytes())
        assert digest.issuer == sha1(case.cert.issuer.public_bytes())
    point = LEAF_KEY.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert hashes_of(LEAF).public_key == sha1(point)
    # The public-key hash is the key identifier of RFC 5280 method 1, as in the example (p188).
    assert hashes_of(ROOT).public_key == ROOT_SKI.digest
    # LEAF's key identifier is not its key's hash: the record must read it from the extension.
    assert hashes_of(LEAF).public_key[:4] != LEAF_SKI[:4]


def test_key_usage_and_extended_key_usage_bits(host: Host) -> None:
    every = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=True,
                          data_encipherment=True, key_agreement=True, key_cert_sign=True, crl_sign=True,
                          encipher_only=True, decipher_only=True)
    purposes = x509.ExtendedKeyUsage([
        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE, ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION,
        ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.OCSP_SIGNING,
        ObjectIdentifier("1.3.6.1.5.5.7.3.17")])  # not in the table: ignored
    cert = build(OTHER_KEY, "All usages", serial=9, extensions=((every, True), (purposes, False)))
    store = open_own(host)
    add_own(host, store, der(cert))
    answer = host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0))
    assert isinstance(answer, cm.OwnCertificatesGetCertificateInfo.Response)
    assert answer.info.permitted_key_usage == 0x007F01FF


@pytest.mark.parametrize(("not_before", "not_after", "seconds"), [
    (datetime(1960, 1, 1, tzinfo=UTC), datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), (0, 0)),  # before 1970
    (datetime(1999, 1, 1, tzinfo=UTC), datetime(2001, 1, 1, tzinfo=UTC), (915148800, 978307200)),  # expired
    (datetime(2200, 1, 1, tzinfo=UTC), datetime(2201, 1, 1, tzinfo=UTC), (7258118400, 7289654400)),  # not yet
])
def test_validity_is_reported_not_checked(host: Host, not_before: datetime, not_after: datetime,
                                          seconds: tuple[int, int]) -> None:
    cert = build(OTHER_KEY, "Validity", serial=10, not_before=not_before, not_after=not_after)
    store = open_trust(host)
    assert add_trust(host, store, der(cert)).status is TrustStoreLoadStatus.LOADED_CERTIFICATE
    answer = host.request(cm.TrustStoreGetCertificateInfo(trust_store=store, entry=0))
    assert isinstance(answer, cm.TrustStoreGetCertificateInfo.Response)
    assert (answer.info.not_valid_before, answer.info.not_valid_after) == seconds


def test_checksum_is_crc16_ccitt_of_the_record() -> None:
    assert crc16_ccitt(b"123456789") == 0x29B1  # the check value of CRC-16/CCITT-FALSE
    response = trust_info(CASES[1])
    record = response.payload()[1:]
    assert len(record) == 93
    assert response.info.checksum == int.from_bytes(record[-2:], "big") == crc16_ccitt(record[:-2])


def _bad_version() -> bytes:
    data = der(ROOT)
    assert data.count(bytes.fromhex("A003020102")) == 1
    return data.replace(bytes.fromhex("A003020102"), bytes.fromhex("A003020105"))  # X.509 v6


def _duplicate_extension() -> bytes:
    cert = build(OTHER_KEY, "Duplicate", serial=11, extensions=(
        (x509.UnrecognizedExtension(ObjectIdentifier("1.2.3.4"), b"\x05\x00"), False),
        (x509.UnrecognizedExtension(ObjectIdentifier("1.2.3.5"), b"\x05\x00"), False)))
    return der(cert).replace(bytes.fromhex("06032A0305"), bytes.fromhex("06032A0304"))  # 1.2.3.5 -> 1.2.3.4


def _x400_name() -> bytes:
    cert = build(OTHER_KEY, "X400", serial=12,
                 extensions=((x509.SubjectAlternativeName([x509.DNSName("zz")]), False),))
    return der(cert).replace(bytes.fromhex("300482027A7A"), bytes.fromhex("3004A3027A7A"))  # x400Address


GARBAGE = [
    pytest.param(b"\x00", id="one-byte"),
    pytest.param(b"not a certificate", id="text"),
    pytest.param(vector("2.14 p183 (abridged; realistic certificate)").expected.data, id="manual-abridged"),
    pytest.param(der(ROOT)[:-1], id="truncated"),
    pytest.param(private_der(ROOT_KEY), id="private-key"),
    pytest.param(ocsp_response(LEAF, ROOT, ROOT_KEY), id="ocsp-response"),
    pytest.param(ROOT.public_bytes(serialization.Encoding.PEM), id="pem"),
    pytest.param(_bad_version(), id="bad-version"),
    pytest.param(_duplicate_extension(), id="duplicate-extension"),
    pytest.param(_x400_name(), id="x400-general-name"),
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_is_an_invalid_file_without_entry(host: Host, data: bytes) -> None:
    ts, oc = open_trust(host), open_own(host)
    assert add_trust(host, ts, data) == cm.TrustStoreCertificateStatus(
        trust_store=ts, entry=NO_ENTRY, status=TrustStoreLoadStatus.INVALID_FILE)
    assert add_own(host, oc, data) == (NO_ENTRY, cm.OwnCertificatesCertificateStatus(
        own_store=oc, entry=NO_ENTRY, status=OwnCertificatesLoadStatus.INVALID_FILE))
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=ts, entry=FIRST_ENTRY))) == NOT_ACCEPTED
    assert result_code(host.request(cm.OwnCertificatesGetNextEntry(own_store=oc, entry=FIRST_ENTRY))) == \
        NOT_ACCEPTED
    assert add_trust(host, ts, der(ROOT)).entry == 0  # the store still works


def test_duplicate_reports_the_entry_that_holds_it(host: Host) -> None:
    ts, oc = open_trust(host), open_own(host)
    for data in (der(ROOT), der(LEAF)):
        add_trust(host, ts, data)
        add_own(host, oc, data)
    assert add_trust(host, ts, der(LEAF)) == cm.TrustStoreCertificateStatus(
        trust_store=ts, entry=1, status=TrustStoreLoadStatus.DUPLICATE)
    assert add_own(host, oc, der(ROOT)) == (0, cm.OwnCertificatesCertificateStatus(
        own_store=oc, entry=0, status=OwnCertificatesLoadStatus.DUPLICATE))
    service = host.service(CertificateManagerService)
    assert sorted(service.trust.disk[TS_PATH].entries) == sorted(service.own.disk[OC_PATH].entries) == [0, 1]


def test_entries_take_the_lowest_free_handle(host: Host) -> None:
    ts, oc = open_trust(host), open_own(host)
    certificates = [der(case.cert) for case in CASES]
    assert [add_trust(host, ts, data).entry for data in certificates[:3]] == [0, 1, 2]
    assert [add_own(host, oc, data)[0] for data in certificates[:3]] == [0, 1, 2]
    assert host.request(cm.TrustStoreRemoveCertificate(trust_store=ts, entry=1)) == \
        cm.TrustStoreRemoveCertificate.Response()
    assert host.request(cm.OwnCertificatesRemoveCertificate(own_store=oc, entry=0)) == \
        cm.OwnCertificatesRemoveCertificate.Response()
    settle(host)
    assert [add_trust(host, ts, data).entry for data in certificates[3:5]] == [1, 3]
    assert [add_own(host, oc, data)[0] for data in certificates[3:5]] == [0, 3]
    # File names: the SHA-1 in hex for the trust store, the entry number for own certificates.
    answer = host.request(cm.TrustStoreGetCertificateInfo(trust_store=ts, entry=3))
    assert isinstance(answer, cm.TrustStoreGetCertificateInfo.Response)
    assert answer.info.filename == hashlib.sha1(certificates[4]).hexdigest()
    answer = host.request(cm.OwnCertificatesGetCertificateInfo(own_store=oc, entry=3))
    assert isinstance(answer, cm.OwnCertificatesGetCertificateInfo.Response)
    assert answer.info.filename == "3"
    assert answer.payload()[2:42] == b"3" + bytes(39)


# -- listing and removing -------------------------------------------------------------------------


def trust_walk(host: Host, store: int) -> list[int]:
    """Entries by Get Next Entry from 0xFF until it refuses."""
    entries, previous = [], FIRST_ENTRY
    while True:
        answer = host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=previous))
        if not isinstance(answer, cm.TrustStoreGetNextEntry.Response):
            assert result_code(answer) == NOT_ACCEPTED
            return entries
        previous = answer.info.entry
        entries.append(previous)
        assert len(entries) < 10


def own_walk(host: Host, store: int) -> list[int]:
    entries, previous = [], FIRST_ENTRY
    while True:
        answer = host.request(cm.OwnCertificatesGetNextEntry(own_store=store, entry=previous))
        if not isinstance(answer, cm.OwnCertificatesGetNextEntry.Response):
            assert result_code(answer) == NOT_ACCEPTED
            return entries
        previous = answer.info.entry
        entries.append(previous)
        assert len(entries) < 10


def test_get_next_entry_walks_the_trust_store_and_refuses_past_the_end(host: Host) -> None:
    store = open_trust(host)
    assert trust_walk(host, store) == []  # empty: 0xFF has no first entry
    for case in CASES[:3]:
        add_trust(host, store, der(case.cert))
    for previous, expected in ((FIRST_ENTRY, 0), (0, 1), (1, 2)):
        assert host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=previous)) == \
            cm.TrustStoreGetNextEntry.Response(info=trust_info(CASES[expected], expected).info)
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=2))) == NOT_ACCEPTED
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=200))) == NOT_ACCEPTED
    assert host.request(cm.TrustStoreRemoveCertificate(trust_store=store, entry=1)) == \
        cm.TrustStoreRemoveCertificate.Response()
    assert settle(host) == [cm.TrustStoreIndexSynchronized(trust_store=store)]  # no Certificate Status
    assert trust_walk(host, store) == [0, 2]
    answer = host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=1))  # a removed previous entry
    assert isinstance(answer, cm.TrustStoreGetNextEntry.Response) and answer.info.entry == 2


def test_get_next_entry_walks_the_own_certificates(host: Host) -> None:
    store = open_own(host)
    assert own_walk(host, store) == []
    for case in CASES[:3]:
        add_own(host, store, der(case.cert))
    assert own_walk(host, store) == [0, 1, 2]
    assert host.request(cm.OwnCertificatesGetNextEntry(own_store=store, entry=0)) == \
        cm.OwnCertificatesGetNextEntry.Response(info=own_info(CASES[1], 1).info)
    assert host.request(cm.OwnCertificatesRemoveCertificate(own_store=store, entry=0)) == \
        cm.OwnCertificatesRemoveCertificate.Response()
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=store)]
    assert own_walk(host, store) == [1, 2]


def test_remove_is_busy_until_index_synchronized(host: Host) -> None:
    store = open_trust(host)
    add_trust(host, store, der(ROOT))
    assert host.request(cm.TrustStoreRemoveCertificate(trust_store=store, entry=0)) == \
        cm.TrustStoreRemoveCertificate.Response()
    assert result_code(host.request(cm.TrustStoreGetNextEntry(trust_store=store, entry=FIRST_ENTRY))) == BUSY
    host.clock.advance(INDEX_SYNC_DELAY - EPS)
    assert host.take() == []
    host.clock.advance(2 * EPS)
    assert host.decoded() == [cm.TrustStoreIndexSynchronized(trust_store=store)]
    assert result_code(host.request(cm.TrustStoreGetCertificateInfo(trust_store=store, entry=0))) == NOT_ACCEPTED


def test_unknown_store_or_entry_is_04_without_status(host: Host) -> None:
    ts, oc = open_trust(host), open_own(host)
    add_own(host, oc, der(LEAF))  # entry 0, without a private key
    refused = [
        cm.TrustStoreGetCertificateInfo(trust_store=ts + 1, entry=0),
        cm.TrustStoreAddCertificate(trust_store=7, data=der(ROOT)),
        cm.TrustStoreGetCertificateInfo(trust_store=ts, entry=0),
        cm.TrustStoreGetCertificateInfo(trust_store=ts, entry=FIRST_ENTRY),
        cm.TrustStoreRemoveCertificate(trust_store=ts, entry=0),
        cm.OwnCertificatesAddCertificate(own_store=oc + 1, data=der(ROOT)),
        cm.OwnCertificatesGetCertificateInfo(own_store=oc, entry=1),
        cm.OwnCertificatesRemoveCertificate(own_store=oc, entry=1),
        cm.OwnCertificatesAddPrivateKey(own_store=oc, entry=1, data=private_der(LEAF_KEY)),
        cm.OwnCertificatesAddOcspResponse(own_store=oc, entry=1, data=ocsp_response(LEAF, ROOT, ROOT_KEY)),
        cm.OwnCertificatesRemovePrivateKey(own_store=oc, entry=1),
        cm.OwnCertificatesRemovePrivateKey(own_store=oc, entry=0),  # the entry has no key
    ]
    assert [result_code(host.request(command)) for command in refused] == [NOT_ACCEPTED] * len(refused)
    host.clock.advance(10)
    assert host.take() == []
    assert host.request(cm.OwnCertificatesAddCertificate(own_store=oc, data=der(ROOT))) == \
        cm.OwnCertificatesAddCertificate.Response(entry=1)  # nothing was busy


# -- private keys and OCSP responses --------------------------------------------------------------


@pytest.mark.parametrize(("case", "key"), [
    pytest.param(CASES[1], private_der(LEAF_KEY), id="ec-pkcs8"),
    pytest.param(CASES[1], private_der(LEAF_KEY, serialization.PrivateFormat.TraditionalOpenSSL), id="ec-sec1"),
    pytest.param(CASES[2], private_der(RSA_KEY), id="rsa-pkcs8"),
    pytest.param(CASES[2], private_der(RSA_KEY, serialization.PrivateFormat.TraditionalOpenSSL), id="rsa-pkcs1"),
])
def test_private_key_of_the_certificate_is_loaded_and_removed(host: Host, case: Case, key: bytes) -> None:
    store = open_own(host)
    add_own(host, store, der(case.cert))
    command = cm.OwnCertificatesAddPrivateKey(own_store=store, entry=0, data=key)
    assert add_to_entry(host, command) is OwnCertificatesLoadStatus.LOADED_PRIVATE_KEY
    expected = own_info(case, flags=OwnCertificateFlags.PRIVATE_KEY_AVAILABLE)
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0)) == expected
    assert host.service(CertificateManagerService).own.disk[OC_PATH].entries[0].key == key
    assert host.request(cm.OwnCertificatesRemovePrivateKey(own_store=store, entry=0)) == \
        cm.OwnCertificatesRemovePrivateKey.Response()
    assert result_code(host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0))) == BUSY
    assert settle(host) == [cm.OwnCertificatesIndexSynchronized(own_store=store)]
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0)) == own_info(case)
    assert result_code(host.request(cm.OwnCertificatesRemovePrivateKey(own_store=store, entry=0))) == NOT_ACCEPTED


@pytest.mark.parametrize("key", [
    pytest.param(private_der(OTHER_KEY), id="another-key"),
    pytest.param(private_der(RSA_KEY), id="another-algorithm"),
    pytest.param(LEAF_KEY.private_bytes(DER, serialization.PrivateFormat.PKCS8,
                                        serialization.BestAvailableEncryption(b"secret")), id="encrypted"),
    pytest.param(der(LEAF), id="the-certificate"),
    pytest.param(b"\x30\x03\x02\x01\x00", id="garbage"),
    pytest.param(vector("2.14 p196 (abridged; realistic private key)").expected.data, id="manual-abridged"),
])
def test_key_that_does_not_match_is_an_invalid_private_key(host: Host, key: bytes) -> None:
    store = open_own(host)
    add_own(host, store, der(LEAF))
    command = cm.OwnCertificatesAddPrivateKey(own_store=store, entry=0, data=key)
    assert add_to_entry(host, command) is OwnCertificatesLoadStatus.INVALID_FILE_PRIVATE_KEY
    assert OwnCertificateFlags.PRIVATE_KEY_AVAILABLE not in own_flags(host, store, 0)


def test_ocsp_response_is_loaded_with_its_times(host: Host) -> None:
    store = open_own(host)
    add_own(host, store, der(ROOT))
    add_own(host, store, der(LEAF))
    command = cm.OwnCertificatesAddOcspResponse(own_store=store, entry=1, data=ocsp_response(LEAF, ROOT, ROOT_KEY))
    assert add_to_entry(host, command) is OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP
    expected = own_info(CASES[1], 1, flags=OwnCertificateFlags.OCSP_RESPONSE_AVAILABLE,
                        this_update=THIS_UPDATE_S, next_update=NEXT_UPDATE_S)
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=1)) == expected
    # Key and OCSP response together.
    key = cm.OwnCertificatesAddPrivateKey(own_store=store, entry=1, data=private_der(LEAF_KEY))
    assert add_to_entry(host, key) is OwnCertificatesLoadStatus.LOADED_PRIVATE_KEY
    assert own_flags(host, store, 1) == 0x8000 | 0x0004 | 0x0008 | 0x0010
    # A response without next update: 0 ("not set").
    root = cm.OwnCertificatesAddOcspResponse(own_store=store, entry=0,
                                             data=ocsp_response(ROOT, ROOT, ROOT_KEY, next_update=None))
    assert add_to_entry(host, root) is OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP
    answer = host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0))
    assert isinstance(answer, cm.OwnCertificatesGetCertificateInfo.Response)
    assert (answer.info.this_update, answer.info.next_update) == (THIS_UPDATE_S, 0)
    assert answer.info.flags == 0x8000 | 0x0001 | 0x0002 | 0x0004 | 0x0010


@pytest.mark.parametrize("data", [
    pytest.param(ocsp_response(ROOT, ROOT, ROOT_KEY), id="another-serial-number"),
    pytest.param(ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(DER),
                 id="unsuccessful"),
    pytest.param(der(LEAF), id="a-certificate"),
    pytest.param(b"\x00\x01\x02", id="garbage"),
    pytest.param(vector("2.14 p198 (abridged; realistic OCSP response)").expected.data, id="manual-abridged"),
])
def test_ocsp_response_that_does_not_fit_is_an_invalid_ocsp_file(host: Host, data: bytes) -> None:
    store = open_own(host)
    add_own(host, store, der(LEAF))
    command = cm.OwnCertificatesAddOcspResponse(own_store=store, entry=0, data=data)
    assert add_to_entry(host, command) is OwnCertificatesLoadStatus.INVALID_FILE_OCSP
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=store, entry=0)) == own_info(CASES[1])


# -- restart and factory reset --------------------------------------------------------------------


@pytest.mark.parametrize("factory", [False, True], ids=["restart", "factory-reset"])
def test_stores_survive_a_restart_but_handles_do_not(host: Host, factory: bool) -> None:
    assert open_trust(host, "fat/other") == 0
    ts, oc = open_trust(host), open_own(host)
    assert (ts, oc) == (1, 0)
    add_trust(host, ts, der(ROOT))
    add_own(host, oc, der(LEAF))
    add_to_entry(host, cm.OwnCertificatesAddPrivateKey(own_store=oc, entry=0, data=private_der(LEAF_KEY)))
    host.module.restart(factory=factory)
    assert result_code(host.request(cm.TrustStoreGetCertificateInfo(trust_store=ts, entry=0))) == NOT_ACCEPTED
    assert result_code(host.request(cm.OwnCertificatesGetCertificateInfo(own_store=oc, entry=0))) == NOT_ACCEPTED
    assert open_trust(host) == 0  # handles are handed out afresh
    assert open_own(host) == 0
    assert host.request(cm.TrustStoreGetCertificateInfo(trust_store=0, entry=0)) == trust_info(CASES[0])
    assert host.request(cm.OwnCertificatesGetCertificateInfo(own_store=0, entry=0)) == \
        own_info(CASES[1], flags=OwnCertificateFlags.PRIVATE_KEY_AVAILABLE)


def test_restart_drops_pending_statuses_and_busy_stores(host: Host) -> None:
    ts = open_trust(host)
    assert open_own(host) == 0
    host.request(cm.TrustStoreAddCertificate(trust_store=ts, data=der(ROOT)))
    host.request(cm.OwnCertificatesOpen(path=OC_PATH))  # synchronising again
    host.module.restart()
    host.clock.advance(10)
    assert host.take() == []
    # Nothing is busy after the restart; the Add was written when it was accepted.
    assert open_trust(host) == 0 and open_own(host) == 0
    assert trust_walk(host, 0) == [0]
