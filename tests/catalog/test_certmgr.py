"""Certificate Manager module 0x30 (v2 only): every example frame of manual 2.14 §20 (p177-p200,
hci-reference §6.1), the misprinted ones as BadVectors or notes next to their corrections."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import certmgr as cm
from freev2g.hci.catalog.certmgr import (
    EllipticCurve,
    HashAlgorithm,
    KeyUsage,
    OwnCertificateFlags,
    OwnCertificateInfo,
    PssParameters,
    PublicKeyAlgorithm,
    SignatureAlgorithm,
    TrustFlags,
    TrustStoreInfo,
)
from freev2g.hci.errors import BadChecksum, EncodeError, MissingEnd, PayloadError
from freev2g.hci.message import RawMessage
from tests.vectors import HOST, MODULE, V1, V2, BadVector, Vector, check_bad_vector, check_vector, decode_hex

ONLY_V2 = (V2,)


def text(value: str) -> str:
    """Hex of text the manual prints as characters (paths, file names)."""
    return value.encode("ascii").hex(" ").upper()


TS_PATH = "fat/testdata/cert/ts"
OC_PATH = "fat/testdata/cert/own"  # 21 bytes; the example's prefix says 20 (p185)
TS_NAME = "33ac881eaded537dc70bd2c8144187470c5ef72b"

# p180 and p182: the trust store record after code and entry handle (92 bytes).
TS_RECORD = (
    f"{text(TS_NAME)} 80 04 33 AC 88 1E AD ED 53 7D C7 0B D2 C8 14 41 87 47 0C 5E F7 2B"
    " E3 E6 7A 03 B9 75 BC E3 01 00 00 00 00 00 00 00 5B 7A 9D 15 00 00 00 00 F6 67 8A 7F AB 98"
)
TS_INFO = TrustStoreInfo(
    entry=0,
    filename=TS_NAME,
    flags=TrustFlags.TRUST_ANCHOR | 0x8000,  # 0x8000: a reserved internal bit
    certificate_hash=bytes.fromhex("33AC881EADED537DC70BD2C8144187470C5EF72B"),
    subject_rdn_hash_prefix=bytes.fromhex("E3E67A03"),
    subject_key_id_prefix=bytes.fromhex("B975BCE3"),
    public_key_algorithm=PublicKeyAlgorithm.RSA_ENCRYPTION,  # printed 01 "RSA Encryption"
    public_key_parameters=bytes(3),
    not_valid_before=0x5B7A9D15,  # 2018-08-20T10:51:01Z
    not_valid_after=0xF6678A7F,  # 2100-12-31T23:59:59Z
    checksum=0xAB98,
)

# p188 and p191: the own certificate record after code and entry handle (160 bytes).
OC_RECORD = (
    "30" + " 00" * 39 + " 84 04 E0 A2 86 ED 99 9A F6 C2 92 16 08 B9 33 B5 5C C3 FF 31 E1 F2"
    " F9 42 98 5C 81 84 39 97 B4 84 96 BE F5 13 13 6C 66 05 D2 D5"
    " 1C 12 3C DE 08 D2 9D 8E 23 2A B7 2D 85 91 F9 FF D9 E9 52 8D"
    " 82 38 7A F5 1C 12 3C DE 79 36 4F FE 00 00 00 11 03 01 00 00 07 00 00 00"
    " 00 00 00 00 61 E9 6E 73 00 00 00 00 62 38 88 73" + " 00" * 16 + " 04 27"
)
OC_INFO = OwnCertificateInfo(
    entry=0,
    filename="0",
    flags=OwnCertificateFlags.CERTIFICATE_AVAILABLE | 0x8400,
    certificate_hash=bytes.fromhex("E0A286ED999AF6C2921608B933B55CC3FF31E1F2"),
    subject_rdn_hash=bytes.fromhex("F942985C81843997B48496BEF513136C6605D2D5"),
    public_key_hash=bytes.fromhex("1C123CDE08D29D8E232AB72D8591F9FFD9E9528D"),
    issuer_rdn_hash_prefix=bytes.fromhex("82387AF5"),
    subject_key_id_prefix=bytes.fromhex("1C123CDE"),
    authority_key_id_prefix=bytes.fromhex("79364FFE"),
    permitted_key_usage=KeyUsage.DIGITAL_SIGNATURE | KeyUsage.KEY_AGREEMENT,
    public_key_algorithm=PublicKeyAlgorithm.EC_PUBLIC_KEY,  # printed 03 "EC public key"
    public_key_parameters=bytes((EllipticCurve.SECP256R1, 0, 0)),
    signature_algorithm=SignatureAlgorithm.SHA256_WITH_ECDSA,
    signature_parameters=bytes(3),
    not_valid_before=0x61E96E73,  # 2022-01-20T14:15:15Z
    not_valid_after=0x62388873,  # 2022-03-21T14:15:15Z
    this_update=0,
    next_update=0,
    checksum=0x0427,
)


def filler(size: int, seed: int) -> bytes:
    return bytes((index * 131 + seed) % 256 for index in range(size))


# Abridged examples ("…"): realistic data of the printed layout, same header and length, same
# first and last bytes. p183/p193: a 587-byte DER certificate (SEQUENCE 30 82 02 47).
CERTIFICATE = b"\x30\x82\x02\x47" + filler(579, 7) + b"\x30\x82\x02\x47"
# p196: a 121-byte SEC1 EC private key for secp256r1 (30 77 02 01 01 04 20 <d> a0 0a <OID>
# a1 44 03 42 00 04 <X Y>), ending in the printed 78 93 de 7b.
PRIVATE_KEY = (
    bytes.fromhex("30770201010420") + filler(32, 1)
    + bytes.fromhex("a00a06082a8648ce3d030107a14403420004")
    + filler(60, 2) + bytes.fromhex("7893de7b")
)
# p198: an 893-byte DER OCSP response (SEQUENCE 30 82 03 79), ending in the printed 81 c5 fe ec.
OCSP = b"\x30\x82\x03\x79" + filler(885, 3) + bytes.fromhex("81c5feec")
assert (len(CERTIFICATE), len(PRIVATE_KEY), len(OCSP)) == (587, 121, 893)

VECTORS = [
    Vector("2.14 p178", f"C0 30 40 00 00 16 00 14 {text(TS_PATH)} 00 C1", HOST,
           cm.TrustStoreOpen(path=TS_PATH), ONLY_V2),
    Vector("2.14 p178", "C0 30 40 00 00 02 00 00 0B C1", MODULE, cm.TrustStoreOpen.Response(handle=0),
           ONLY_V2),
    Vector("2.14 p180", "C0 30 41 00 00 02 00 00 00 C1", HOST,
           cm.TrustStoreGetCertificateInfo(trust_store=0, entry=0), ONLY_V2),
    Vector("2.14 p180", f"C0 30 41 00 00 5E 00 00 {TS_RECORD} 00 C1", MODULE,
           cm.TrustStoreGetCertificateInfo.Response(info=TS_INFO), ONLY_V2),
    Vector("2.14 p182", "C0 30 42 00 00 02 00 FF 00 C1", HOST,
           cm.TrustStoreGetNextEntry(trust_store=0, entry=cm.FIRST_ENTRY), ONLY_V2),
    Vector("2.14 p182", f"C0 30 42 00 00 5E 00 00 {TS_RECORD} 00 C1", MODULE,
           cm.TrustStoreGetNextEntry.Response(info=TS_INFO), ONLY_V2),
    Vector("2.14 p183 (abridged; realistic certificate)",
           f"C0 30 43 00 02 4E 00 02 4B {CERTIFICATE.hex(' ')} 00 C1", HOST,
           cm.TrustStoreAddCertificate(trust_store=0, data=CERTIFICATE), ONLY_V2),
    Vector("2.14 p183", "C0 30 43 00 00 01 00 09 C1", MODULE, cm.TrustStoreAddCertificate.Response(),
           ONLY_V2),
    Vector("2.14 p184", "C0 30 44 00 00 02 00 01 00 C1", HOST,
           cm.TrustStoreRemoveCertificate(trust_store=0, entry=1), ONLY_V2),
    Vector("2.14 p184", "C0 30 44 00 00 01 00 08 C1", MODULE, cm.TrustStoreRemoveCertificate.Response(),
           ONLY_V2),
    Vector("2.14 p185 corrected (prefix 00 15, length 00 17)",
           f"C0 30 60 00 00 17 00 15 {text(OC_PATH)} 00 C1",
           HOST, cm.OwnCertificatesOpen(path=OC_PATH), ONLY_V2),
    Vector("2.14 p185 as printed", "C0 30 40 00 00 02 00 00 00 C1", MODULE,
           cm.TrustStoreOpen.Response(handle=0),
           ONLY_V2, note="printed with Sub-ID 40: a valid Trust Store Open response, not the Own "
                         "Certificates Open response it answers; corrected below"),
    Vector("2.14 p185 corrected (Sub-ID 60)", "C0 30 60 00 00 02 00 00 00 C1", MODULE,
           cm.OwnCertificatesOpen.Response(handle=0), ONLY_V2),
    Vector("2.14 p188", "C0 30 61 00 00 02 00 00 00 C1", HOST,
           cm.OwnCertificatesGetCertificateInfo(own_store=0, entry=0), ONLY_V2),
    Vector("2.14 p188-p189 as printed", f"C0 30 62 04 00 A2 00 00 {OC_RECORD} 00 C1", MODULE,
           cm.OwnCertificatesGetNextEntry.Response(info=OC_INFO), ONLY_V2,
           note="printed with Sub-ID 62 and ReqID 04 for a 0x61/ReqID 00 request: it decodes as the "
                "Get Next Entry response (same layout); corrected below"),
    Vector("2.14 p188-p189 corrected (Sub-ID 61, ReqID 00)", f"C0 30 61 00 00 A2 00 00 {OC_RECORD} 00 C1",
           MODULE, cm.OwnCertificatesGetCertificateInfo.Response(info=OC_INFO), ONLY_V2),
    Vector("2.14 p191", "C0 30 62 00 00 02 00 FF 00 C1", HOST,
           cm.OwnCertificatesGetNextEntry(own_store=0, entry=cm.FIRST_ENTRY), ONLY_V2),
    Vector("2.14 p191-p192 corrected (Sub-ID 62, ReqID 00)", f"C0 30 62 00 00 A2 00 00 {OC_RECORD} 00 C1",
           MODULE, cm.OwnCertificatesGetNextEntry.Response(info=OC_INFO), ONLY_V2),
    Vector("2.14 p193 (abridged; realistic certificate)",
           f"C0 30 63 00 02 4E 00 02 4B {CERTIFICATE.hex(' ')} 00 C1", HOST,
           cm.OwnCertificatesAddCertificate(own_store=0, data=CERTIFICATE), ONLY_V2),
    Vector("2.14 p193-p194 corrected (length 00 02)", "C0 30 63 00 00 02 00 00 00 C1", MODULE,
           cm.OwnCertificatesAddCertificate.Response(entry=0), ONLY_V2),
    Vector("2.14 p195", "C0 30 64 00 00 02 00 01 00 C1", HOST,
           cm.OwnCertificatesRemoveCertificate(own_store=0, entry=1), ONLY_V2),
    Vector("2.14 p195", "C0 30 64 00 00 01 00 00 C1", MODULE, cm.OwnCertificatesRemoveCertificate.Response(),
           ONLY_V2),
    Vector("2.14 p196 (abridged; realistic private key)",
           f"c0 30 65 00 00 7d 00 00 00 79 {PRIVATE_KEY.hex(' ')} 00 C1",
           HOST, cm.OwnCertificatesAddPrivateKey(own_store=0, entry=0, data=PRIVATE_KEY), ONLY_V2),
    Vector("2.14 p196", "c0 30 65 00 00 01 00 00 C1", MODULE, cm.OwnCertificatesAddPrivateKey.Response(),
           ONLY_V2),
    Vector("2.14 p197", "C0 30 66 00 00 02 00 01 00 C1", HOST,
           cm.OwnCertificatesRemovePrivateKey(own_store=0, entry=1), ONLY_V2),
    Vector("2.14 p197 corrected (checksum E5)", "C0 30 66 00 00 01 00 E5 C1", MODULE,
           cm.OwnCertificatesRemovePrivateKey.Response(), ONLY_V2),
    Vector("2.14 p198 (abridged; realistic OCSP response)",
           f"c0 30 67 0b 03 81 00 00 03 7d {OCSP.hex(' ')} 00 C1", HOST,
           cm.OwnCertificatesAddOcspResponse(own_store=0, entry=0, data=OCSP), ONLY_V2),
    Vector("2.14 p199 corrected (checksum D9)", "C0 30 67 0B 00 01 00 D9 C1", MODULE,
           cm.OwnCertificatesAddOcspResponse.Response(), ONLY_V2),
    # The status messages have no printed example (p199-p200); constructed from the tables.
    Vector("constructed, p199", "C0 30 80 FF 00 01 00 00 C1", MODULE,
           cm.TrustStoreIndexSynchronized(trust_store=0),
           ONLY_V2),
    Vector("constructed, p199", "C0 30 81 FF 00 03 00 02 08 00 C1", MODULE,
           cm.TrustStoreCertificateStatus(trust_store=0, entry=2, status=cm.TrustStoreLoadStatus.DUPLICATE),
           ONLY_V2),
    Vector("constructed, p200", "C0 30 A0 FF 00 01 01 00 C1", MODULE,
           cm.OwnCertificatesIndexSynchronized(own_store=1), ONLY_V2),
    Vector("constructed, p200", "C0 30 A1 FF 00 03 00 00 05 00 C1", MODULE,
           cm.OwnCertificatesCertificateStatus(own_store=0, entry=0,
                                               status=cm.OwnCertificatesLoadStatus.INVALID_FILE_PRIVATE_KEY),
           ONLY_V2),
    Vector("constructed, p178: store does not exist", "C0 30 40 00 00 02 00 FF 00 C1", MODULE,
           cm.TrustStoreOpen.Response(handle=cm.NO_STORE), ONLY_V2),
]

BAD_VECTORS = [
    BadVector("2.14 p185", f"C0 30 60 00 00 16 00 14 {text(OC_PATH)} 00 C1", HOST, MissingEnd,
              "path of 21 bytes with a prefix of 20 and a length of 22", ONLY_V2),
    BadVector("2.14 p191-p192", f"C0 30 63 04 00 A2 00 00 {OC_RECORD} 00 C1", MODULE, PayloadError,
              "Sub-ID 63 (Add Certificate response: code + entry) for a 162-byte info record", ONLY_V2),
    BadVector("2.14 p193-p194", "C0 30 63 00 00 01 00 00 00 C1", MODULE, MissingEnd,
              "length 1 for code and entry handle", ONLY_V2),
    BadVector("2.14 p197", "C0 30 66 00 00 01 00 08 C1", MODULE, BadChecksum, "checksum 08, valid E5",
              ONLY_V2),
    BadVector("2.14 p199", "C0 30 67 0B 00 01 00 08 C1", MODULE, BadChecksum, "checksum 08, valid D9",
              ONLY_V2),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_not_declared_in_v1(vector: Vector) -> None:
    """Manual 2.11 has no Certificate Manager: its frames stay unknown (raw) in generation v1."""
    assert isinstance(decode_hex(vector.hex, V1, vector.direction), RawMessage)


def test_record_sizes_match_the_examples() -> None:
    assert len(cm.TrustStoreGetCertificateInfo.Response(info=TS_INFO).payload()) == 0x5E
    assert len(cm.OwnCertificatesGetNextEntry.Response(info=OC_INFO).payload()) == 0xA2


@pytest.mark.parametrize(("code", "expected"), [
    (0x01, PublicKeyAlgorithm.RSA_ENCRYPTION),
    (0x02, PublicKeyAlgorithm.RSASSA_PSS),
    (0x03, PublicKeyAlgorithm.EC_PUBLIC_KEY),
    (0x00, PublicKeyAlgorithm.NONE),
])
def test_public_key_algorithm_is_one_based(code: int, expected: PublicKeyAlgorithm) -> None:
    record = TS_RECORD.split()
    record[40 + 2 + 20 + 8] = f"{code:02X}"
    decoded = decode_hex(f"C0 30 41 00 00 5E 00 00 {' '.join(record)} 00 C1", V2, MODULE)
    assert isinstance(decoded, cm.TrustStoreGetCertificateInfo.Response)
    assert decoded.info.public_key_algorithm is expected


def test_unknown_algorithm_is_a_payload_error_naming_the_field() -> None:
    record = OC_RECORD.split()
    record[40 + 2 + 60 + 12 + 4] = "04"
    with pytest.raises(PayloadError, match="Own Certificates Get Certificate Info response") as info:
        decode_hex(f"C0 30 61 00 00 A2 00 00 {' '.join(record)} 00 C1", V2, MODULE)
    assert info.value.field == "info.public_key_algorithm"


def test_truncated_record_is_a_payload_error() -> None:
    short = " ".join(TS_RECORD.split()[:-1])
    with pytest.raises(PayloadError) as info:
        decode_hex(f"C0 30 42 00 00 5D 00 00 {short} 00 C1", V2, MODULE)
    assert info.value.message_name == "Trust Store Get Next Entry response"
    assert info.value.field == "info.checksum"


def test_unlisted_trust_store_status_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="status"):
        decode_hex("C0 30 81 FF 00 03 00 02 05 00 C1", V2, MODULE)


@pytest.mark.parametrize("path", ["", "x" * 513])
def test_path_length_1_to_512(path: str) -> None:
    with pytest.raises(EncodeError, match=r"path.*1\.\.512"):
        cm.TrustStoreOpen(path=path).payload()


def test_long_path_gets_a_two_byte_prefix() -> None:
    assert cm.OwnCertificatesOpen(path="p" * 300).payload()[:2] == b"\x01\x2c"


def test_empty_certificate_is_refused() -> None:
    with pytest.raises(EncodeError, match="data"):
        cm.OwnCertificatesAddCertificate(own_store=0, data=b"").payload()


def test_filename_longer_than_40_bytes_is_refused() -> None:
    info = OwnCertificateInfo(**{**vars(OC_INFO), "filename": "f" * 41})
    with pytest.raises(EncodeError) as error:
        cm.OwnCertificatesGetCertificateInfo.Response(info=info).payload()
    assert error.value.field == "info.filename"


def test_flags_keep_reserved_bits_and_name_the_known_ones() -> None:
    decoded = decode_hex(f"C0 30 41 00 00 5E 00 00 {TS_RECORD} 00 C1", V2, MODULE)
    assert isinstance(decoded, cm.TrustStoreGetCertificateInfo.Response)
    assert decoded.info.flags == 0x8004
    assert TrustFlags.TRUST_ANCHOR in decoded.info.flags
    fields = decoded.json_fields()["info"]
    assert fields["flags"] == ["TRUST_ANCHOR", "0x8000"]
    assert fields["filename"] == TS_NAME
    assert fields["public_key_algorithm"] == "RSA_ENCRYPTION"
    assert fields["not_valid_before"] == 0x5B7A9D15


def test_str_shows_flags_and_dates() -> None:
    text_form = str(cm.OwnCertificatesGetCertificateInfo.Response(info=OC_INFO))
    assert "flags=CERTIFICATE_AVAILABLE|0x8400 (0x8404)" in text_form
    assert "permitted_key_usage=DIGITAL_SIGNATURE|KEY_AGREEMENT (0x00000011)" in text_form
    assert "not_valid_before=2022-01-20T14:15:15Z (1642688115 s)" in text_form
    assert "this_update=0 (not set)" in text_form
    assert "filename='0'" in text_form


def test_algorithm_parameters() -> None:
    assert cm.algorithm_parameters(OC_INFO.public_key_algorithm, OC_INFO.public_key_parameters) is (
        EllipticCurve.SECP256R1)
    assert cm.algorithm_parameters(OC_INFO.signature_algorithm, OC_INFO.signature_parameters) is None
    sha256 = HashAlgorithm.SHA256
    pss = PssParameters(hash_algorithm=sha256, mgf1_algorithm=sha256, salt_length=32)
    assert cm.algorithm_parameters(PublicKeyAlgorithm.RSASSA_PSS, b"\x02\x02\x20") == pss
    assert cm.algorithm_parameters(SignatureAlgorithm.RSASSA_PSS, b"\x02\x02\x20") == pss
    # SHA1_WITH_RSA shares the number 2 with the public key RSASSA-PSS: no parameters.
    assert cm.algorithm_parameters(SignatureAlgorithm.SHA1_WITH_RSA, b"\x02\x02\x20") is None
    with pytest.raises(ValueError, match="hash_algorithm"):
        cm.algorithm_parameters(PublicKeyAlgorithm.RSASSA_PSS, b"\x09\x02\x20")
