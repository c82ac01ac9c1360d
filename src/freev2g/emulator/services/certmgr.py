"""Certificate Manager module 0x30 (manual 2.14 §20, p177-p200; v2 firmware only).

Rules from the manual:

* A trust store (TS) or own-certificate store (OC) is opened by path and answers a handle, 0xFF
  ("uint8_max") when the store does not exist (p178, p185).
* After an accepted Open, Add or Remove the store takes no further command until its Index
  Synchronized status (0x80 TS, 0xA0 OC); until then commands for it answer 0x01, busy, and the
  host tries again (p178, p228).
* Add Certificate / Add Key / Add OCSP Response are followed by a Certificate Status (0x81 TS,
  0xA1 OC) with the entry and a load status, then by Index Synchronized (p183, p193-p199).
* Info records and Get Next Entry (0xFF starts at the first entry) carry hashes, key
  identifiers, algorithms, validity, key usage and OCSP times (p179-p192). They are computed here
  from the real DER with the ``cryptography`` package (the ``emulator`` extra), imported only
  when a certificate is parsed, so the core library does not need it.

Decisions where the manual is silent (each is tested):

* A store exists when its path lies on the writable volume ``fat/`` (the examples use
  ``fat/testdata/cert/ts`` and ``fat/testdata/cert/own``); other paths answer handle 0xFF. Stores
  are files: they survive a restart and a factory reset; handles do not survive a restart.
* Every accepted Open is followed by Index Synchronized, also when the path is open already (it
  keeps its handle): the Open description obliges the caller to wait for it, and a host that
  reconnects to a running module would otherwise wait for ever. Opening a store that is still
  synchronising answers 0x01.
* Certificate Status comes 0.1 s and Index Synchronized 0.2 s after the command (writing the
  index to flash); both follow even when the data was refused, so the host always gets its sync.
* Unknown store handles, unknown entries, Get Next Entry past the last entry and Remove Private
  Key without a key answer 0x04: the generic table (p48) has no "not found" code.
* Load statuses: data that is not DER of the right kind is "invalid file" (3, 5 for a key, 7 for
  an OCSP response); a certificate already in the store is "duplicate" (8) with the entry that
  holds it; a private key that does not match the entry's certificate is "invalid file (private
  key)"; an OCSP response that is not successful or is for another serial number is "invalid
  file (OCSP)". An invalid certificate creates no entry and reports entry 0xFF (also in the OC
  Add response). Entry handles are the lowest free numbers from 0.
* File names: the SHA-1 of the certificate in hex for the TS (as in the example, p180), the entry
  number for the OC (the example's "0", p188).
* Flags: 0x8000, a bit the examples show among the reserved ones (p180, p188), on every entry;
  "trust anchor" for self-signed TS entries; for OC entries CA (basic constraints), self-signed
  (issuer = subject and the signature verifies with the certificate's own key), certificate, key
  and OCSP availability. The example's 0x0400 is undocumented and not reproduced.
* Key identifiers are the extensions' values (zeros when absent); the public-key hash is the
  SHA-1 of the subjectPublicKey bits (in the example it equals the subject key ID, p188);
  RDN hashes are SHA-1 of the DER of the subject or issuer name. The key-usage word is 0 when the
  certificate has neither extension. RSASSA-PSS public-key parameters are not read (zeros).
* The entry checksum's algorithm is not documented: CRC-16/CCITT (initial value 0xFFFF) of the
  record's bytes before it. Hosts should treat it as opaque.
* Validity is not checked against the Time module when adding; times before 1970 read 0.
"""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import certmgr as cm
from freev2g.hci.catalog.certmgr import (
    FIRST_ENTRY,
    NO_STORE,
    EllipticCurve,
    KeyUsage,
    OwnCertificateFlags,
    OwnCertificatesLoadStatus,
    PublicKeyAlgorithm,
    SignatureAlgorithm,
    TrustFlags,
    TrustStoreLoadStatus,
)
from freev2g.hci.message import Command, Status, Struct
from freev2g.hci.modules import ModuleId

if TYPE_CHECKING:
    from cryptography import x509

R = TypeVar("R", bound=Struct)

BUSY = 0x01
NOT_ACCEPTED = 0x04
NO_ENTRY = 0xFF
INTERNAL_FLAG = 0x8000
VOLUME = "fat/"
STATUS_DELAY = 0.1
INDEX_SYNC_DELAY = 0.2

_CURVES = {"secp256r1": EllipticCurve.SECP256R1, "secp384r1": EllipticCurve.SECP384R1,
           "secp521r1": EllipticCurve.SECP521R1}
_HASHES = {"sha1": 1, "sha256": 2, "sha384": 3, "sha512": 4}
_SIGNATURES = {  # signature algorithm OIDs (RFC 4055, RFC 5758, RFC 8410)
    "1.2.840.113549.1.1.10": SignatureAlgorithm.RSASSA_PSS,
    "1.2.840.113549.1.1.5": SignatureAlgorithm.SHA1_WITH_RSA,
    "1.2.840.113549.1.1.11": SignatureAlgorithm.SHA256_WITH_RSA,
    "1.2.840.113549.1.1.12": SignatureAlgorithm.SHA384_WITH_RSA,
    "1.2.840.113549.1.1.13": SignatureAlgorithm.SHA512_WITH_RSA,
    "1.2.840.10045.4.1": SignatureAlgorithm.SHA1_WITH_ECDSA,
    "1.2.840.10045.4.3.2": SignatureAlgorithm.SHA256_WITH_ECDSA,
    "1.2.840.10045.4.3.3": SignatureAlgorithm.SHA384_WITH_ECDSA,
    "1.2.840.10045.4.3.4": SignatureAlgorithm.SHA512_WITH_ECDSA,
    "1.3.101.112": SignatureAlgorithm.ED25519,
    "1.3.101.113": SignatureAlgorithm.ED448,
}
_PUBLIC_KEYS = {"1.2.840.113549.1.1.1": PublicKeyAlgorithm.RSA_ENCRYPTION,
                "1.2.840.113549.1.1.10": PublicKeyAlgorithm.RSASSA_PSS,
                "1.2.840.10045.2.1": PublicKeyAlgorithm.EC_PUBLIC_KEY}
_KEY_USAGE = (("digital_signature", KeyUsage.DIGITAL_SIGNATURE),
              ("content_commitment", KeyUsage.CONTENT_COMMITMENT),
              ("key_encipherment", KeyUsage.KEY_ENCIPHERMENT),
              ("data_encipherment", KeyUsage.DATA_ENCIPHERMENT),
              ("key_agreement", KeyUsage.KEY_AGREEMENT), ("key_cert_sign", KeyUsage.KEY_CERT_SIGN),
              ("crl_sign", KeyUsage.CRL_SIGN))
_EXTENDED_KEY_USAGE = {"2.5.29.37.0": KeyUsage.EXT_ANY,
                       "1.3.6.1.5.5.7.3.1": KeyUsage.EXT_SERVER_AUTHENTICATION,
                       "1.3.6.1.5.5.7.3.2": KeyUsage.EXT_CLIENT_AUTHENTICATION,
                       "1.3.6.1.5.5.7.3.3": KeyUsage.EXT_CODE_SIGNING,
                       "1.3.6.1.5.5.7.3.4": KeyUsage.EXT_EMAIL_PROTECTION,
                       "1.3.6.1.5.5.7.3.8": KeyUsage.EXT_TIME_STAMPING,
                       "1.3.6.1.5.5.7.3.9": KeyUsage.EXT_OCSP_SIGNING}


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data, usedforsecurity=False).digest()


def _seconds(moment: datetime) -> int:
    return max(0, int(moment.timestamp()))


@dataclass(frozen=True)
class CertificateFacts:
    """What the info records say about one X.509 certificate."""

    der: bytes
    serial: int
    sha1: bytes
    subject_hash: bytes
    issuer_hash: bytes
    public_key_hash: bytes
    public_key_info: bytes  # SubjectPublicKeyInfo DER, to match private keys
    subject_key_id: bytes  # first 4 bytes, zeros when absent
    authority_key_id: bytes
    key_usage: KeyUsage
    ca: bool
    self_signed: bool
    public_key_algorithm: PublicKeyAlgorithm
    public_key_parameters: bytes
    signature_algorithm: SignatureAlgorithm
    signature_parameters: bytes
    not_before: int
    not_after: int


def certificate_facts(der: bytes) -> CertificateFacts | None:
    """Parse a DER certificate; None when it is not one (or uses what cannot be parsed)."""
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        cert = x509.load_der_x509_certificate(der)
        key = cert.public_key()
        subject, issuer = cert.subject.public_bytes(), cert.issuer.public_bytes()
        extensions = {ext.oid.dotted_string: ext.value for ext in cert.extensions}
        public_key_algorithm, public_key_parameters = _public_key(cert, key)
        signature_algorithm, signature_parameters = _signature(cert)
        return CertificateFacts(
            der=der, serial=cert.serial_number, sha1=_sha1(der), subject_hash=_sha1(subject),
            issuer_hash=_sha1(issuer),
            public_key_hash=x509.SubjectKeyIdentifier.from_public_key(key).digest,
            public_key_info=key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
            subject_key_id=_prefix(getattr(extensions.get("2.5.29.14"), "digest", None)),
            authority_key_id=_prefix(getattr(extensions.get("2.5.29.35"), "key_identifier", None)),
            key_usage=_key_usage(extensions.get("2.5.29.15"), extensions.get("2.5.29.37")),
            ca=bool(getattr(extensions.get("2.5.29.19"), "ca", False)),
            self_signed=subject == issuer and _verifies_itself(cert),
            public_key_algorithm=public_key_algorithm, public_key_parameters=public_key_parameters,
            signature_algorithm=signature_algorithm, signature_parameters=signature_parameters,
            not_before=_seconds(cert.not_valid_before_utc), not_after=_seconds(cert.not_valid_after_utc))
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion, x509.DuplicateExtension,
            x509.UnsupportedGeneralNameType):  # the last three derive from Exception only
        return None


def _prefix(value: bytes | None) -> bytes:
    return (value or bytes(4))[:4].ljust(4, b"\x00")


def _key_usage(usage: Any, extended: Any) -> KeyUsage:
    bits = KeyUsage(0)
    if usage is not None:
        for name, bit in _KEY_USAGE:
            if getattr(usage, name):
                bits |= bit
        if usage.key_agreement:  # encipher/decipher only are defined only with key agreement
            bits |= KeyUsage.ENCIPHER_ONLY if usage.encipher_only else KeyUsage(0)
            bits |= KeyUsage.DECIPHER_ONLY if usage.decipher_only else KeyUsage(0)
    for oid in extended or ():
        bits |= _EXTENDED_KEY_USAGE.get(oid.dotted_string, KeyUsage(0))
    return bits


def _public_key(cert: x509.Certificate, key: Any) -> tuple[PublicKeyAlgorithm, bytes]:
    algorithm = _PUBLIC_KEYS.get(cert.public_key_algorithm_oid.dotted_string, PublicKeyAlgorithm.NONE)
    if algorithm is PublicKeyAlgorithm.EC_PUBLIC_KEY:
        curve = _CURVES.get(key.curve.name, EllipticCurve.NONE)
        return algorithm, bytes((curve, 0, 0))
    return algorithm, bytes(3)


def _signature(cert: x509.Certificate) -> tuple[SignatureAlgorithm, bytes]:
    algorithm = _SIGNATURES.get(cert.signature_algorithm_oid.dotted_string, SignatureAlgorithm.NONE)
    if algorithm is not SignatureAlgorithm.RSASSA_PSS:
        return algorithm, bytes(3)
    pss = cert.signature_algorithm_parameters
    digest = cert.signature_hash_algorithm
    hash_code = _HASHES.get(digest.name, 0) if digest is not None else 0
    mgf = getattr(getattr(pss, "mgf", None), "_algorithm", None)
    mgf_code = _HASHES.get(getattr(mgf, "name", ""), hash_code)
    salt = getattr(pss, "_salt_length", 0)
    return algorithm, bytes((hash_code, mgf_code, salt if isinstance(salt, int) and 0 <= salt < 256 else 0))


def _verifies_itself(cert: x509.Certificate) -> bool:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def private_key_matches(der: bytes, facts: CertificateFacts) -> bool:
    """Whether ``der`` is a private key (PKCS#8, SEC1 or PKCS#1) for the certificate's key."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_private_key

    try:
        key = load_der_private_key(der, password=None)
        public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return public == facts.public_key_info


def ocsp_times(der: bytes, facts: CertificateFacts) -> tuple[int, int] | None:
    """This and next update of a successful OCSP response for the certificate, else None."""
    from cryptography.x509 import ocsp

    try:
        response = ocsp.load_der_ocsp_response(der)
        if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            return None
        if response.serial_number != facts.serial:
            return None
        following = response.next_update_utc
        return _seconds(response.this_update_utc), _seconds(following) if following else 0
    except ValueError:
        return None


@dataclass
class Entry:
    facts: CertificateFacts
    key: bytes | None = None
    ocsp: bytes | None = None
    this_update: int = 0
    next_update: int = 0


@dataclass
class Store:
    """A store directory and its entries by handle."""

    path: str
    entries: dict[int, Entry] = field(default_factory=dict)

    def find(self, facts: CertificateFacts) -> int | None:
        return next((n for n, entry in self.entries.items() if entry.facts.sha1 == facts.sha1), None)

    def free_handle(self) -> int | None:
        return next((number for number in range(NO_ENTRY) if number not in self.entries), None)


@dataclass
class _Side:
    """One kind of store: the stores on disk, open handles, and which of them are syncing."""

    synchronized: Callable[[int], Status]  # store handle
    certificate_status: Callable[[int, int, int], Status]  # store handle, entry, load status
    disk: dict[str, Store] = field(default_factory=dict)
    handles: dict[int, str] = field(default_factory=dict)
    busy: set[int] = field(default_factory=set)


def _with_checksum(record: R) -> R:
    out = bytearray()
    record.encode_into(out)
    checksum = binascii.crc_hqx(bytes(out[:-2]), 0xFFFF)
    return cast(R, dataclasses.replace(cast(Any, record), checksum=checksum))


class CertificateManagerService(Service):
    module_id = ModuleId.CERTIFICATE_MANAGER

    def __init__(self, module: EmulatedModule, *, volume: str = VOLUME) -> None:
        super().__init__(module)
        self.volume = volume
        self.trust = _Side(
            lambda store: cm.TrustStoreIndexSynchronized(trust_store=store),
            lambda store, entry, load: cm.TrustStoreCertificateStatus(
                trust_store=store, entry=entry, status=TrustStoreLoadStatus(load)))
        self.own = _Side(
            lambda store: cm.OwnCertificatesIndexSynchronized(own_store=store),
            lambda store, entry, load: cm.OwnCertificatesCertificateStatus(
                own_store=store, entry=entry, status=OwnCertificatesLoadStatus(load)))
        self._epoch = 0  # drops statuses scheduled before a restart

    def reset(self, factory: bool) -> None:
        self._epoch += 1
        for side in (self.trust, self.own):
            side.handles.clear()
            side.busy.clear()

    def trust_store(self, path: str) -> Store | None:
        return self.trust.disk.get(path)

    def own_store(self, path: str) -> Store | None:
        return self.own.disk.get(path)

    def handle(self, command: Command) -> Answer:
        match command:
            case cm.TrustStoreOpen(path=path):
                return self._open(command, self.trust, path)
            case cm.OwnCertificatesOpen(path=path):
                return self._open(command, self.own, path)
            case cm.TrustStoreGetCertificateInfo(trust_store=handle, entry=number):
                found = self._entry(command, self.trust, handle, number)
                if isinstance(found, tuple):
                    return cm.TrustStoreGetCertificateInfo.Response(info=_trust_info(*found))
                return found
            case cm.TrustStoreGetNextEntry(trust_store=handle, entry=number):
                found = self._entry(command, self.trust, handle, number, following=True)
                if isinstance(found, tuple):
                    return cm.TrustStoreGetNextEntry.Response(info=_trust_info(*found))
                return found
            case cm.TrustStoreAddCertificate(trust_store=handle, data=data):
                return self._add_certificate(command, self.trust, handle, data)
            case cm.TrustStoreRemoveCertificate(trust_store=handle, entry=number):
                return self._remove(command, self.trust, handle, number, certificate=True)
            case cm.OwnCertificatesGetCertificateInfo(own_store=handle, entry=number):
                found = self._entry(command, self.own, handle, number)
                if isinstance(found, tuple):
                    return cm.OwnCertificatesGetCertificateInfo.Response(info=_own_info(*found))
                return found
            case cm.OwnCertificatesGetNextEntry(own_store=handle, entry=number):
                found = self._entry(command, self.own, handle, number, following=True)
                if isinstance(found, tuple):
                    return cm.OwnCertificatesGetNextEntry.Response(info=_own_info(*found))
                return found
            case cm.OwnCertificatesAddCertificate(own_store=handle, data=data):
                return self._add_certificate(command, self.own, handle, data)
            case cm.OwnCertificatesRemoveCertificate(own_store=handle, entry=number):
                return self._remove(command, self.own, handle, number, certificate=True)
            case cm.OwnCertificatesAddPrivateKey(own_store=handle, entry=number, data=data):
                return self._add_to_entry(command, handle, number, data, ocsp=False)
            case cm.OwnCertificatesRemovePrivateKey(own_store=handle, entry=number):
                return self._remove(command, self.own, handle, number, certificate=False)
            case cm.OwnCertificatesAddOcspResponse(own_store=handle, entry=number, data=data):
                return self._add_to_entry(command, handle, number, data, ocsp=True)
        return self.unknown(command)

    # -- stores and synchronisation --------------------------------------------------------------

    def _open(self, command: Command, side: _Side, path: str) -> Answer:
        respond = cm.TrustStoreOpen.Response if side is self.trust else cm.OwnCertificatesOpen.Response
        if not path.startswith(self.volume) or not path[len(self.volume):].strip("/"):
            return respond(handle=NO_STORE)
        handle = next((h for h, p in side.handles.items() if p == path), None)
        if handle in side.busy:
            return self.reject(command, BUSY)
        if handle is None:
            handle = next((h for h in range(NO_STORE) if h not in side.handles), None)
            if handle is None:
                return self.reject(command, BUSY)
            side.handles[handle] = path
            side.disk.setdefault(path, Store(path))
        self._synchronize(side, handle)
        return respond(handle=handle)

    def _store(self, command: Command, side: _Side, handle: int) -> Store | Answer:
        """The open store of ``handle``, or the answer that refuses the command."""
        if handle not in side.handles:
            return self.reject(command, NOT_ACCEPTED)
        if handle in side.busy:
            return self.reject(command, BUSY)
        return side.disk[side.handles[handle]]

    def _synchronize(self, side: _Side, handle: int, status: Status | None = None) -> None:
        side.busy.add(handle)
        epoch = self._epoch
        clock = self.module.clock

        def report() -> None:
            if epoch == self._epoch and status is not None:
                self.module.emit(status)

        def synchronized() -> None:
            if epoch == self._epoch:
                side.busy.discard(handle)
                self.module.emit(side.synchronized(handle))

        clock.call_later(STATUS_DELAY, report)
        clock.call_later(INDEX_SYNC_DELAY, synchronized)

    # -- commands --------------------------------------------------------------------------------

    def _add_certificate(self, command: Command, side: _Side, handle: int, data: bytes) -> Answer:
        store = self._store(command, side, handle)
        if not isinstance(store, Store):
            return store
        facts = certificate_facts(data)
        duplicate = store.find(facts) if facts is not None else None
        number = store.free_handle() if duplicate is None else duplicate
        if facts is None or number is None:
            number, load = NO_ENTRY, TrustStoreLoadStatus.INVALID_FILE
        elif duplicate is not None:
            load = TrustStoreLoadStatus.DUPLICATE
        else:
            store.entries[number] = Entry(facts)
            load = TrustStoreLoadStatus.LOADED_CERTIFICATE
        self._synchronize(side, handle, side.certificate_status(handle, number, load))
        if side is self.own:
            return cm.OwnCertificatesAddCertificate.Response(entry=number)
        return command.Response()

    def _add_to_entry(self, command: Command, handle: int, number: int, data: bytes, *, ocsp: bool) -> Answer:
        store = self._store(command, self.own, handle)
        if not isinstance(store, Store):
            return store
        entry = store.entries.get(number)
        if entry is None:
            return self.reject(command, NOT_ACCEPTED)
        load: OwnCertificatesLoadStatus
        if ocsp:
            times = ocsp_times(data, entry.facts)
            if times is None:
                load = OwnCertificatesLoadStatus.INVALID_FILE_OCSP
            else:
                entry.ocsp, (entry.this_update, entry.next_update) = data, times
                load = OwnCertificatesLoadStatus.LOADED_CERTIFICATE_OR_OCSP
        elif private_key_matches(data, entry.facts):
            entry.key, load = data, OwnCertificatesLoadStatus.LOADED_PRIVATE_KEY
        else:
            load = OwnCertificatesLoadStatus.INVALID_FILE_PRIVATE_KEY
        self._synchronize(self.own, handle, self.own.certificate_status(handle, number, load))
        return command.Response()

    def _remove(self, command: Command, side: _Side, handle: int, number: int, *,
                certificate: bool) -> Answer:
        store = self._store(command, side, handle)
        if not isinstance(store, Store):
            return store
        entry = store.entries.get(number)
        if entry is None or (not certificate and entry.key is None):
            return self.reject(command, NOT_ACCEPTED)
        if certificate:
            del store.entries[number]
        else:
            entry.key = None
        self._synchronize(side, handle)
        return command.Response()

    def _entry(self, command: Command, side: _Side, handle: int, number: int, *,
               following: bool = False) -> tuple[int, Entry] | Answer:
        """Entry ``number`` (or the one after it) of an open store, or the refusing answer."""
        store = self._store(command, side, handle)
        if not isinstance(store, Store):
            return store
        if following:
            later = sorted(n for n in store.entries if number == FIRST_ENTRY or n > number)
            number = later[0] if later else NO_ENTRY
        entry = store.entries.get(number)
        if entry is None:
            return self.reject(command, NOT_ACCEPTED)
        return number, entry


def _trust_info(number: int, entry: Entry) -> cm.TrustStoreInfo:
    facts = entry.facts
    flags = TrustFlags(INTERNAL_FLAG) | (TrustFlags.TRUST_ANCHOR if facts.self_signed else TrustFlags(0))
    return _with_checksum(cm.TrustStoreInfo(
        entry=number, filename=facts.sha1.hex(), flags=flags, certificate_hash=facts.sha1,
        subject_rdn_hash_prefix=facts.subject_hash[:4], subject_key_id_prefix=facts.subject_key_id,
        public_key_algorithm=facts.public_key_algorithm, public_key_parameters=facts.public_key_parameters,
        not_valid_before=facts.not_before, not_valid_after=facts.not_after, checksum=0))


def _own_info(number: int, entry: Entry) -> cm.OwnCertificateInfo:
    facts = entry.facts
    flags = OwnCertificateFlags(INTERNAL_FLAG) | OwnCertificateFlags.CERTIFICATE_AVAILABLE
    for present, flag in ((facts.ca, OwnCertificateFlags.CA_CERTIFICATE),
                          (facts.self_signed, OwnCertificateFlags.SELF_SIGNED),
                          (entry.key is not None, OwnCertificateFlags.PRIVATE_KEY_AVAILABLE),
                          (entry.ocsp is not None, OwnCertificateFlags.OCSP_RESPONSE_AVAILABLE)):
        if present:
            flags |= flag
    return _with_checksum(cm.OwnCertificateInfo(
        entry=number, filename=str(number), flags=flags, certificate_hash=facts.sha1,
        subject_rdn_hash=facts.subject_hash, public_key_hash=facts.public_key_hash,
        issuer_rdn_hash_prefix=facts.issuer_hash[:4], subject_key_id_prefix=facts.subject_key_id,
        authority_key_id_prefix=facts.authority_key_id, permitted_key_usage=facts.key_usage,
        public_key_algorithm=facts.public_key_algorithm, public_key_parameters=facts.public_key_parameters,
        signature_algorithm=facts.signature_algorithm, signature_parameters=facts.signature_parameters,
        not_valid_before=facts.not_before, not_valid_after=facts.not_after,
        this_update=entry.this_update, next_update=entry.next_update, checksum=0))
