"""Throwaway certificates for the CA certificate and TLS tests (EC P-256, made on the fly).

``certificate()`` returns PEM text; ``ca`` decides the basicConstraints extension (True: CA:TRUE,
False: CA:FALSE, None: no extension).  Keys are cached per name, so two calls with one name give
the same key pair (and, with the same dates, byte-identical certificates).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

FAR = dt.datetime(2125, 1, 1, tzinfo=dt.timezone.utc)
PAST = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
START = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)


@lru_cache(maxsize=None)
def key(name: str):
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


@lru_cache(maxsize=None)
def certificate(name: str, ca: bool | None = True, not_after: dt.datetime = FAR, serial: int = 1) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"kongcheck test {name}")])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key(name).public_key())
               .serial_number(serial).not_valid_before(START).not_valid_after(not_after))
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    return builder.sign(key(name), hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def private_key(name: str) -> str:
    from cryptography.hazmat.primitives import serialization

    return key(name).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()).decode()


def indented(text: str, spaces: int = 4) -> str:
    """PEM text as a YAML block scalar's body."""
    return "".join(" " * spaces + line + "\n" if line else "\n" for line in text.splitlines())
