"""Certificate Manager module 0x30, API generation v2 only (manual 2.14 §20, p177-p200;
hci-reference §3.11; absent from 2.11, v1-api §2.11).

Two stores: the trust store (TS, root certificates such as the MO root) and the own certificates
(OC, the CPO chain and the SECC leaf with private keys and OCSP responses). Open returns a store
handle; entries are addressed by an entry handle. After Open, Add or Remove is accepted the store
takes no further command until its Index Synchronized status (0x80 TS, 0xA0 OC) arrives (p178).

Encodings used only here: paths are ``string[1-512]`` (u16 length prefix), certificate, key and
OCSP data are ``uint8[1..65535]`` DER with a u16 length prefix, file names are fixed 40-byte
strings, times are u64 Unix seconds.

Not documented: what Get Next Entry answers after the last entry (hci-reference §9.12);
presumably a non-zero result code, which decodes as a :class:`~freev2g.hci.message.Rejection`.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from freev2g.hci.codecs import (
    U8,
    U16,
    U32,
    Blob,
    Codec,
    FieldFault,
    Fixed,
    FixedStr,
    Int,
    Record,
    Siblings,
    Str,
)
from freev2g.hci.message import Command, ResponseMessage, Status, Struct
from freev2g.hci.modules import V2_ONLY, ModuleId

CM = ModuleId.CERTIFICATE_MANAGER
V2 = V2_ONLY

NO_STORE = 0xFF
"""Handle returned by Open when the store does not exist ("uint8_max", p178, p185)."""

FIRST_ENTRY = 0xFF
"""Previous-entry handle for Get Next Entry that starts at the first entry (p181, p190)."""

PATH = Str(1, 512)
DER = Blob(1, 65535)  # the firmware's X509MNGR_MAX_CERTIFICATE_SIZE may be smaller (p183)
SHA1 = Fixed(20)
HASH_PREFIX = Fixed(4)  # first four bytes of a SHA-1 hash or key identifier
PARAMETERS = Fixed(3)  # algorithm parameters; meaning depends on the algorithm (p179)


class Flags(Int):
    """Unsigned integer of bit flags, decoded as its ``IntFlag`` annotation.

    codecs.py makes enum codecs of IntEnum annotations only, which refuse combinations; a flag
    set needs its own codec so that combined and reserved internal bits (0x0100-0x8000, p179)
    decode, and so that str() and JSON name the set bits. Encoding and ranges are those of Int.
    """

    def __init__(self, base: Int, flag_type: type[enum.IntFlag] | None = None) -> None:
        super().__init__(base.size, False, base.lo, base.hi, base.unit)
        self.flag_type = flag_type

    def bind(self, py_type: Any) -> Codec:
        if isinstance(py_type, type) and issubclass(py_type, enum.IntFlag):
            return Flags(self, py_type)
        return self

    def decode(self, data: bytes, pos: int, siblings: Siblings) -> tuple[Any, int]:
        raw, pos = super().decode(data, pos, siblings)
        return (self.flag_type(raw) if self.flag_type else raw), pos

    def _names(self, value: int) -> list[str]:
        if self.flag_type is None:
            return [f"0x{value:X}"] if value else []
        names = [member.name or "" for member in self.flag_type if value & member]
        rest = value & ~sum(self.flag_type)
        return names + ([f"0x{rest:X}"] if rest else [])

    def to_json(self, value: Any) -> Any:
        return self._names(int(value))

    def format(self, value: Any) -> str:
        return f"{'|'.join(self._names(int(value))) or 'none'} (0x{int(value):0{self.size * 2}X})"

    def describe(self) -> str:
        name = self.flag_type.__name__ if self.flag_type else "bits"
        return f"{super().describe()} flags {name}"


class UnixTime(Int):
    """u64 Unix time in seconds (p180), shown as a UTC date; 0 means not set (OCSP times, p189).

    A plain U64 would print only the number of seconds.
    """

    def __init__(self) -> None:
        super().__init__(8, False, unit="s")

    def format(self, value: Any) -> str:
        if value == 0:
            return "0 (not set)"
        try:
            stamp = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            return f"{value} s"
        return f"{stamp} ({value} s)"


TIME = UnixTime()


class TrustFlags(enum.IntFlag):
    """Trust store entry flags (§20.2.2, p179); 0x0100-0x8000 are reserved for internal use."""

    TRUSTED_IMPLICITLY = 0x0001  # for future use
    TRUSTED_EXPLICITLY = 0x0002  # for future use
    TRUST_ANCHOR = 0x0004
    REVOKED = 0x0008  # for future use


class OwnCertificateFlags(enum.IntFlag):
    """Own certificate entry flags (§20.2.7, p186); 0x0100-0x8000 are reserved for internal use."""

    CA_CERTIFICATE = 0x0001
    SELF_SIGNED = 0x0002
    CERTIFICATE_AVAILABLE = 0x0004
    PRIVATE_KEY_AVAILABLE = 0x0008
    OCSP_RESPONSE_AVAILABLE = 0x0010


class KeyUsage(enum.IntFlag):
    """Permitted key usage (RFC 5280) and extended key usage bits (§20.2.7, p186-p187)."""

    DIGITAL_SIGNATURE = 0x00000001
    CONTENT_COMMITMENT = 0x00000002
    KEY_ENCIPHERMENT = 0x00000004
    DATA_ENCIPHERMENT = 0x00000008
    KEY_AGREEMENT = 0x00000010
    KEY_CERT_SIGN = 0x00000020
    CRL_SIGN = 0x00000040
    ENCIPHER_ONLY = 0x00000080
    DECIPHER_ONLY = 0x00000100
    EXT_ANY = 0x00010000
    EXT_SERVER_AUTHENTICATION = 0x00020000
    EXT_CLIENT_AUTHENTICATION = 0x00040000
    EXT_CODE_SIGNING = 0x00080000
    EXT_EMAIL_PROTECTION = 0x00100000
    EXT_TIME_STAMPING = 0x00200000
    EXT_OCSP_SIGNING = 0x00400000


class PublicKeyAlgorithm(enum.IntEnum):
    """Public key algorithm of an entry (p179, p181, p187, p191).

    Decision (hci-reference §7.3 #13, §9.12): 1-based. The tables of 0x41, 0x42 and 0x62 (p179,
    p181, p191) number RSA 0, RSASSA-PSS 1, EC 2; the table of 0x61 (p187) numbers them 1, 2, 3,
    and both examples use the 1-based values (p180 ``01`` "RSA Encryption", p189 ``03`` "EC
    public key"), as does the signature algorithm enumeration (p187).
    ``NONE = 0`` is not in the tables [inference]: the hash and curve enumerations use 0 for
    "none", and an entry without a certificate presumably reports 0; it must still decode.
    """

    NONE = 0
    RSA_ENCRYPTION = 1
    RSASSA_PSS = 2
    EC_PUBLIC_KEY = 3


class SignatureAlgorithm(enum.IntEnum):
    """Signature algorithm of an own certificate (§20.2.7, p187); ``NONE = 0`` as for the public
    key algorithm [inference]."""

    NONE = 0
    RSASSA_PSS = 1
    SHA1_WITH_RSA = 2
    SHA256_WITH_RSA = 3
    SHA384_WITH_RSA = 4
    SHA512_WITH_RSA = 5
    SHA1_WITH_ECDSA = 6
    SHA256_WITH_ECDSA = 7
    SHA384_WITH_ECDSA = 8
    SHA512_WITH_ECDSA = 9
    X25519 = 10
    X448 = 11
    ED25519 = 12
    ED448 = 13


class HashAlgorithm(enum.IntEnum):
    """Hash and MGF1 algorithm in RSASSA-PSS parameters (p179)."""

    UNDEFINED = 0
    SHA1 = 1
    SHA256 = 2
    SHA384 = 3
    SHA512 = 4


class EllipticCurve(enum.IntEnum):
    """Curve in EC public key parameters (p179-p180)."""

    NONE = 0
    SECP256R1 = 1
    SECP384R1 = 2
    SECP521R1 = 3


class PssParameters(Struct):
    """The three parameter bytes of RSASSA-PSS (p179): "hash algorithm and MGF1 algorithm (first
    two bytes)", read as one byte each [inference], then the salt length."""

    hash_algorithm: Annotated[HashAlgorithm, U8]
    mgf1_algorithm: Annotated[HashAlgorithm, U8]
    salt_length: Annotated[int, U8(unit="bytes")]


def algorithm_parameters(algorithm: PublicKeyAlgorithm | SignatureAlgorithm,
                         parameters: bytes) -> EllipticCurve | PssParameters | None:
    """Interpret the 3 parameter bytes of a public key or signature algorithm (p179, p187).

    EC public key: the curve in the first byte. RSASSA-PSS (public key 2, signature 1): the
    :class:`PssParameters`. Other algorithms carry none. ``algorithm`` must be an enum member,
    since the two enumerations reuse numbers. Raises ValueError on unknown codes.
    """
    try:
        if algorithm is PublicKeyAlgorithm.EC_PUBLIC_KEY:
            return EllipticCurve(parameters[0])
        if algorithm is PublicKeyAlgorithm.RSASSA_PSS or algorithm is SignatureAlgorithm.RSASSA_PSS:
            return cast(PssParameters, PssParameters.decode_from(parameters)[0])
    except FieldFault as fault:
        raise ValueError(f"{fault.path}: {fault.detail}") from None
    return None


class TrustStoreLoadStatus(enum.IntEnum):
    """Status in Trust Store Certificate Status (§20.3.2, p199)."""

    LOADED_CERTIFICATE = 0
    LOADED_PRIVATE_KEY = 1
    NO_SUCH_FILE = 2
    INVALID_FILE = 3
    DUPLICATE = 8


class OwnCertificatesLoadStatus(enum.IntEnum):
    """Status in Own Certificates Certificate Status (§20.3.4, p200)."""

    LOADED_CERTIFICATE_OR_OCSP = 0
    LOADED_PRIVATE_KEY = 1
    NO_SUCH_FILE = 2
    INVALID_FILE = 3
    NO_SUCH_FILE_PRIVATE_KEY = 4
    INVALID_FILE_PRIVATE_KEY = 5
    NO_SUCH_FILE_OCSP = 6
    INVALID_FILE_OCSP = 7
    DUPLICATE = 8


class TrustStoreInfo(Struct):
    """Trust store info record, the fields after the result code of 0x41 and 0x42 (§20.2.2,
    p179-p180; §20.2.3, p181-p182): 93 bytes, 94 (0x5E) with the code as in the examples.

    ``subject_key_id_prefix``: labelled "Subject key ID prefix" and annotated so in the example,
    described as "the authority key identifier" (p179); named after the label.
    """

    entry: Annotated[int, U8]
    filename: Annotated[str, FixedStr(40)]  # without extension, zero-padded when shorter
    flags: Annotated[TrustFlags, Flags(U16)]
    certificate_hash: Annotated[bytes, SHA1]
    subject_rdn_hash_prefix: Annotated[bytes, HASH_PREFIX]
    subject_key_id_prefix: Annotated[bytes, HASH_PREFIX]
    public_key_algorithm: Annotated[PublicKeyAlgorithm, U8]
    public_key_parameters: Annotated[bytes, PARAMETERS]
    not_valid_before: Annotated[int, TIME]
    not_valid_after: Annotated[int, TIME]
    checksum: Annotated[int, U16]


class OwnCertificateInfo(Struct):
    """Own certificate info record, the fields after the result code of 0x61 and 0x62 (§20.2.7,
    p186-p189; §20.2.8, p190-p192): 161 bytes, 162 (0xA2) with the code as in the examples.

    Decision: 0x62's table (p190-p191) omits the signature algorithm and its parameters, but its
    example and its length 0xA2 include them; both commands use this one record.
    ``issuer_rdn_hash_prefix`` is described as a prefix "of the sha hash of the public key"
    (p186), a copy of the row above; named after its label and the example's annotation.
    """

    entry: Annotated[int, U8]
    filename: Annotated[str, FixedStr(40)]
    flags: Annotated[OwnCertificateFlags, Flags(U16)]
    certificate_hash: Annotated[bytes, SHA1]
    subject_rdn_hash: Annotated[bytes, SHA1]
    public_key_hash: Annotated[bytes, SHA1]
    issuer_rdn_hash_prefix: Annotated[bytes, HASH_PREFIX]
    subject_key_id_prefix: Annotated[bytes, HASH_PREFIX]
    authority_key_id_prefix: Annotated[bytes, HASH_PREFIX]
    permitted_key_usage: Annotated[KeyUsage, Flags(U32)]
    public_key_algorithm: Annotated[PublicKeyAlgorithm, U8]
    public_key_parameters: Annotated[bytes, PARAMETERS]
    signature_algorithm: Annotated[SignatureAlgorithm, U8]
    signature_parameters: Annotated[bytes, PARAMETERS]
    not_valid_before: Annotated[int, TIME]
    not_valid_after: Annotated[int, TIME]
    this_update: Annotated[int, TIME]  # of the OCSP response; 0 when there is none
    next_update: Annotated[int, TIME]
    checksum: Annotated[int, U16]


# Trust store (§20.2.1-§20.2.5)


class TrustStoreOpen(Command, module=CM, sub_id=0x40, generations=V2):
    """Open the trust store in a directory; wait for Index Synchronized (§20.2.1, p178)."""

    path: Annotated[str, PATH]

    class Response(ResponseMessage):
        """``handle`` is :data:`NO_STORE` when the store does not exist (p178)."""

        handle: Annotated[int, U8]


class TrustStoreGetCertificateInfo(Command, module=CM, sub_id=0x41, generations=V2):
    """Info record of one entry (§20.2.2, p179-p180)."""

    trust_store: Annotated[int, U8]
    entry: Annotated[int, U8]

    class Response(ResponseMessage):
        info: Annotated[TrustStoreInfo, Record(TrustStoreInfo)]


class TrustStoreGetNextEntry(Command, module=CM, sub_id=0x42, generations=V2):
    """Info record of the entry after ``entry``; :data:`FIRST_ENTRY` starts at the first
    (§20.2.3, p181-p182)."""

    trust_store: Annotated[int, U8]
    entry: Annotated[int, U8]

    class Response(ResponseMessage):
        info: Annotated[TrustStoreInfo, Record(TrustStoreInfo)]


class TrustStoreAddCertificate(Command, module=CM, sub_id=0x43, generations=V2):
    """Add a DER certificate; Certificate Status and Index Synchronized follow (§20.2.4, p183)."""

    trust_store: Annotated[int, U8]
    data: Annotated[bytes, DER]


class TrustStoreRemoveCertificate(Command, module=CM, sub_id=0x44, generations=V2):
    """Remove an entry; Index Synchronized follows (§20.2.5, p184)."""

    trust_store: Annotated[int, U8]
    entry: Annotated[int, U8]


# Own certificates (§20.2.6-§20.2.13)


class OwnCertificatesOpen(Command, module=CM, sub_id=0x60, generations=V2):
    """Open the own certificate store in a directory; wait for Index Synchronized (§20.2.6, p185).
    The example's path, length prefix and response Sub-ID are misprinted (see the tests)."""

    path: Annotated[str, PATH]

    class Response(ResponseMessage):
        """``handle`` is :data:`NO_STORE` when the store does not exist (p185)."""

        handle: Annotated[int, U8]


class OwnCertificatesGetCertificateInfo(Command, module=CM, sub_id=0x61, generations=V2):
    """Info record of one entry (§20.2.7, p186-p189)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]

    class Response(ResponseMessage):
        info: Annotated[OwnCertificateInfo, Record(OwnCertificateInfo)]


class OwnCertificatesGetNextEntry(Command, module=CM, sub_id=0x62, generations=V2):
    """Info record of the entry after ``entry``; :data:`FIRST_ENTRY` starts at the first
    (§20.2.8, p190-p192)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]

    class Response(ResponseMessage):
        info: Annotated[OwnCertificateInfo, Record(OwnCertificateInfo)]


class OwnCertificatesAddCertificate(Command, module=CM, sub_id=0x63, generations=V2):
    """Add a DER certificate; Certificate Status and Index Synchronized follow (§20.2.9, p193-p194)."""

    own_store: Annotated[int, U8]
    data: Annotated[bytes, DER]

    class Response(ResponseMessage):
        """The new entry's handle ("Handle", p193). The example's length field says 1 but two
        bytes follow; decided as the table and the printed bytes: code + entry."""

        entry: Annotated[int, U8]


class OwnCertificatesRemoveCertificate(Command, module=CM, sub_id=0x64, generations=V2):
    """Remove an entry; Index Synchronized follows (§20.2.10, p195)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]


class OwnCertificatesAddPrivateKey(Command, module=CM, sub_id=0x65, generations=V2):
    """Add a DER private key to an entry (§20.2.11 "Add Key", p195-p196; the Sub-ID table p177
    says "Add Private Key")."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]
    data: Annotated[bytes, DER]


class OwnCertificatesRemovePrivateKey(Command, module=CM, sub_id=0x66, generations=V2):
    """Remove an entry's private key (§20.2.12, p196-p197)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]


class OwnCertificatesAddOcspResponse(Command, module=CM, sub_id=0x67, generations=V2,
                                     title="Own Certificates Add OCSP Response"):
    """Add a DER OCSP response to an entry (§20.2.13, p198-p199)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]
    data: Annotated[bytes, DER]


# Status messages (§20.3)


class TrustStoreIndexSynchronized(Status, module=CM, sub_id=0x80, generations=V2):
    """After the first Open and after Add or Remove (§20.3.1, p199).

    Figure 38 (p229) shows 0xA0 after adding MO root certificates to the trust store
    (hci-reference §7.3 #14); decided as the tables (p177, p199): 0x80.
    """

    trust_store: Annotated[int, U8]


class TrustStoreCertificateStatus(Status, module=CM, sub_id=0x81, generations=V2):
    """After Add Certificate (§20.3.2, p199)."""

    trust_store: Annotated[int, U8]
    entry: Annotated[int, U8]  # "Entry handle"
    status: Annotated[TrustStoreLoadStatus, U8]


class OwnCertificatesIndexSynchronized(Status, module=CM, sub_id=0xA0, generations=V2):
    """After the first Open and after Add or Remove (§20.3.3, p200)."""

    own_store: Annotated[int, U8]


class OwnCertificatesCertificateStatus(Status, module=CM, sub_id=0xA1, generations=V2):
    """After adding a certificate, private key or OCSP response (§20.3.4, p200)."""

    own_store: Annotated[int, U8]
    entry: Annotated[int, U8]  # "Entry handle"
    status: Annotated[OwnCertificatesLoadStatus, U8]
