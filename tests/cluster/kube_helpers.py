"""Helpers for the cluster tests: kubeconfig files and a throwaway PKI."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import ssl
from pathlib import Path

import yaml

TOKEN = "kc-test-token-0123456789"


def write_kubeconfig(path: Path, server: str, user: dict, context: str = "kind-test",
                     cluster: dict | None = None, extra_contexts: tuple[str, ...] = ()) -> Path:
    cluster_entry = {"server": server, **(cluster or {})}
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": f"{context}-cluster", "cluster": cluster_entry}],
        "users": [{"name": f"{context}-user", "user": user}],
        "contexts": [{"name": name, "context": {"cluster": f"{context}-cluster", "user": f"{context}-user"}}
                     for name in (context, *extra_contexts)],
        "current-context": context,
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def pem_b64(pem: bytes) -> str:
    return base64.b64encode(pem).decode()


def make_pki(out: Path) -> dict:
    """A server CA, a server cert for 127.0.0.1, a client CA, a client cert and an unrelated CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def make(name, issuer=None, ca=False, san=None):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        signer_cert, signer_key = issuer or (None, key)
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(signer_cert.subject if signer_cert else subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        cert = builder.sign(signer_key, hashes.SHA256())
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        (out / f"{name}.crt").write_bytes(cert_pem)
        (out / f"{name}.key").write_bytes(key_pem)
        return cert, key, cert_pem, key_pem

    server_ca = make("server-ca", ca=True)
    make("apiserver", server_ca[:2],
         san=[x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")])
    client_ca = make("client-ca", ca=True)
    client = make("kongcheck-ci", client_ca[:2])
    other_ca = make("other-ca", ca=True)
    return {
        "dir": out,
        "server_ca_pem": server_ca[2], "other_ca_pem": other_ca[2],
        "client_cert_pem": client[2], "client_key_pem": client[3],
        "server_cert": out / "apiserver.crt", "server_key": out / "apiserver.key",
        "client_ca": out / "client-ca.crt", "server_ca": out / "server-ca.crt",
    }


def server_tls(pki: dict, require_client_cert: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pki["server_cert"]), str(pki["server_key"]))
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(str(pki["client_ca"]))
    return context
