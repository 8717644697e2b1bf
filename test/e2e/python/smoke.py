# A smoke test of the emulator with Microsoft's Python SDK (azure-keyvault-keys, as Debian's
# python3-azure ships it: 4.8.0b3, whose default api-version is 7.4-preview.1). Run by
# test/e2e/python.test.ts with VAULT_URL, CERT_FILE and TARGET_JWK (a public JWK whose private half
# the caller keeps) in the environment. Prints one line per check and "N passed, M failed".
import base64
import json
import os
import sys
import time
import urllib.request
import ssl

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.keys import KeyClient, KeyReleasePolicy
from azure.keyvault.keys.crypto import CryptographyClient, SignatureAlgorithm

URL = os.environ["VAULT_URL"]
CERT = os.environ["CERT_FILE"]
TARGET = json.loads(os.environ["TARGET_JWK"])
STAMP = str(int(time.time() * 1000))


class Credential:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("python-smoke", int(time.time()) + 3600)


client = KeyClient(URL, Credential(), verify_challenge_resource=False, connection_verify=CERT)
passed, failed = 0, 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


def attestation_token():
    ctx = ssl.create_default_context(cafile=CERT)
    body = json.dumps({"x-ms-runtime": {"keys": [TARGET]}}).encode()
    req = urllib.request.Request(f"{URL}/_attestation/generate-test-token", data=body, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, context=ctx) as r:
        return json.load(r)["token"]


def create_and_sign():
    key = client.create_ec_key(f"py-ec-{STAMP}", curve="P-256")
    assert key.key_type == "EC", key.key_type
    crypto = CryptographyClient(key, Credential(), verify_challenge_resource=False, connection_verify=CERT)
    digest = bytes(32)
    signature = crypto.sign(SignatureAlgorithm.es256, digest).signature
    assert crypto.verify(SignatureAlgorithm.es256, digest, signature).is_valid


def versions_and_case():
    name = f"Py-Case-{STAMP}"
    first = client.create_rsa_key(name, size=2048)
    client.create_rsa_key(name, size=2048)
    got = client.get_key(name.lower())
    assert got.name == name, got.name
    assert len(list(client.list_properties_of_key_versions(name.upper()))) == 2
    assert first.properties.recoverable_days == 90


def missing_versions_empty():
    assert list(client.list_properties_of_key_versions(f"py-missing-{STAMP}")) == []


def backup_restore():
    name = f"py-bak-{STAMP}"
    client.create_ec_key(name)
    blob = client.backup_key(name)
    client.begin_delete_key(name).wait()
    client.purge_deleted_key(name)
    assert client.restore_key_backup(blob).name == name


def corrupt_backup():
    try:
        client.restore_key_backup(bytes(8693))
    except HttpResponseError as e:
        assert e.status_code == 400 and "Backup blob contains invalid or corrupt version." in str(e), str(e)
        return
    raise AssertionError("a corrupt backup was restored")


def release():
    name = f"py-rel-{STAMP}"
    policy = {"anyOf": [{"anyOf": [{"claim": "sdk-test", "equals": True}], "authority": f"{URL}/_attestation/"}], "version": "1.0.0"}
    key = client.create_rsa_key(name, hardware_protected=True, exportable=True, release_policy=KeyReleasePolicy(json.dumps(policy).encode()))
    assert key.properties.exportable is True
    result = client.release_key(name, attestation_token())
    payload = json.loads(base64.urlsafe_b64decode(result.value.split(".")[1] + "=="))
    assert payload["response"]["key"]["key"]["kid"] == key.id
    print("RELEASED " + result.value)


def deleted_not_found():
    try:
        client.get_deleted_key(f"py-never-{STAMP}")
    except ResourceNotFoundError:
        return
    raise AssertionError("a key that was never deleted was found deleted")


for name, fn in [
    ("create an EC key and sign/verify (api-version 7.4-preview.1)", create_and_sign),
    ("versions, case-insensitive names, recoverable_days", versions_and_case),
    ("the versions of a missing key are empty", missing_versions_empty),
    ("backup, delete with the poller, purge, restore", backup_restore),
    ("a corrupt backup gets the service's message", corrupt_backup),
    ("an exportable RSA-HSM key is released", release),
    ("a key never deleted is not found among deleted keys", deleted_not_found),
]:
    check(name, fn)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
