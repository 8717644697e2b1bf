// The X.509 layer against node:crypto and the openssl command line: certificates and requests it
// builds (signed here by node keys standing in for the HSM) parse and verify elsewhere; names keep
// RFC 4514 order; PFX files that OpenSSL writes (default, legacy, empty password, no MAC) open, and
// the PFX it writes opens in OpenSSL and in Node's TLS; PKCS#8 keys read as node:crypto reads them.
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, privateEncrypt, X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import {
  buildPfx,
  certificateRequest,
  type Digest,
  type DigestSigner,
  formatName,
  parseName,
  pemBlocks,
  pemEncode,
  type PublicKeyJwk,
  readCertificate,
  readPfx,
  readPrivateKey,
  selfSignedCertificate,
  X509Error,
} from "../../../src/x509/index.js";
import { hasOpenssl, openssl, opensslFile } from "../../helpers/openssl.js";

const NODE_CURVE: Record<string, string> = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521", "P-256K": "secp256k1" };
const NOBLE = { "P-256": p256, "P-384": p384, "P-521": p521, "P-256K": secp256k1 } as const;
// DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1).
const SHA256_PREFIX = Buffer.from("3031300d060960864801650304020105000420", "hex");

interface TestKey {
  privateKey: KeyObject;
  publicJwk: PublicKeyJwk;
  signer: DigestSigner;
  algs: string[];
}

/** node:crypto's digests, standing in for the core's ("SHA-256" -> "sha256"). */
const nodeDigest: Digest = (hash, data) => new Uint8Array(createHash(hash.replace("-", "").toLowerCase()).update(data).digest());

/** A node key pair and a signer over digests, standing in for the HSM. */
function testKey(kind: "RSA" | keyof typeof NOBLE): TestKey {
  if (kind === "RSA") {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const j = publicKey.export({ format: "jwk" });
    const algs: string[] = [];
    return {
      privateKey,
      publicJwk: { kty: "RSA", n: j.n!, e: j.e! },
      algs,
      signer: {
        sign: (alg, digest) => {
          algs.push(alg);
          return new Uint8Array(privateEncrypt({ key: privateKey, padding: 1 }, Buffer.concat([SHA256_PREFIX, digest])));
        },
        digest: nodeDigest,
      },
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: NODE_CURVE[kind]! });
  const j = publicKey.export({ format: "jwk" });
  const d = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const algs: string[] = [];
  return {
    privateKey,
    publicJwk: { kty: "EC", crv: kind, x: j.x!, y: j.y! },
    algs,
    signer: {
      sign: (alg, digest) => {
        algs.push(alg);
        return NOBLE[kind].sign(digest, d, { prehash: false, lowS: false });
      },
      digest: nodeDigest,
    },
  };
}

const PROFILE = {
  keyUsage: ["digitalSignature", "keyEncipherment"],
  ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
  ca: false,
  sans: {
    dns_names: ["a.example", "*.b.example"],
    emails: ["ops@example.com"],
    upns: ["user@corp.example"],
    uris: ["https://example.com/app"],
    ipAddresses: ["10.1.2.3", "2001:db8::1"],
  },
};

describe("self-signed certificates", () => {
  const now = Math.floor(Date.now() / 1000);
  for (const [kind, alg] of [
    ["RSA", "RS256"],
    ["P-256", "ES256"],
    ["P-384", "ES384"],
    ["P-521", "ES512"],
    ["P-256K", "ES256K"],
  ] as const) {
    it(`${kind}: node:crypto verifies the self-signature and reads the profile (signed with ${alg})`, () => {
      const key = testKey(kind);
      const der = selfSignedCertificate(
        {
          subject: "CN=svc.example, O=Contoso Ltd, C=US",
          profile: PROFILE,
          publicKey: key.publicJwk,
          notBefore: now - 600,
          notAfter: now + 365 * 86_400,
          serial: new Uint8Array(16).fill(0xc3),
        },
        key.signer,
      );
      expect(key.algs).toEqual([alg]);
      const x = new X509Certificate(Buffer.from(der));
      expect(x.verify(x.publicKey)).toBe(true);
      expect(x.checkPrivateKey(key.privateKey)).toBe(true);
      // Node prints the RDNs in encoded order: RFC 4514 text is reversed in the encoding.
      expect(x.subject.split("\n")).toEqual(["C=US", "O=Contoso Ltd", "CN=svc.example"]);
      expect(x.issuer).toBe(x.subject);
      expect(x.subjectAltName).toBe(
        "DNS:a.example, DNS:*.b.example, email:ops@example.com, othername:UPN:user@corp.example, URI:https://example.com/app, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:1",
      );
      expect(x.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
      expect(Date.parse(x.validFrom) / 1000).toBe(now - 600);
      expect(Date.parse(x.validTo) / 1000).toBe(now + 365 * 86_400);
      expect(x.serialNumber).toBe("43C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3"); // the top bit cleared: a positive INTEGER
      const facts = readCertificate(der);
      expect(facts.subject).toBe("CN=svc.example, O=Contoso Ltd, C=US");
      expect(facts.publicKey).toEqual(key.publicJwk);
      expect(facts.profile).toEqual(PROFILE);
    });
  }

  it.skipIf(!hasOpenssl)("openssl reads the extensions as Key Vault writes them (key usage critical, AKI = SKI)", () => {
    const key = testKey("RSA");
    const der = selfSignedCertificate(
      {
        subject: "CN=MyCert",
        profile: PROFILE,
        publicKey: key.publicJwk,
        notBefore: now,
        notAfter: now + 86_400,
        serial: new Uint8Array(16).fill(1),
      },
      key.signer,
    );
    const text = openssl(["x509", "-inform", "der", "-in", "{dir}/c.der", "-noout", "-text"], { "c.der": der });
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Basic Constraints: ?\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Extended Key Usage: ?\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    const ski = /Subject Key Identifier: ?\s+([0-9A-F:]+)/.exec(text)?.[1];
    const aki = /Authority Key Identifier: ?\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
    expect(ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(aki).toBe(ski);
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(openssl(["verify", "-CAfile", "{dir}/c.pem", "{dir}/c.pem"], { "c.pem": pemEncode("CERTIFICATE", der) })).toContain("OK");
  });
});

describe("certificate requests", () => {
  it.skipIf(!hasOpenssl)("openssl verifies the request's signature and reads its extension request, for RSA and each curve", () => {
    for (const kind of ["RSA", "P-256", "P-384", "P-521", "P-256K"] as const) {
      const key = testKey(kind);
      const csr = certificateRequest({ subject: "CN=req.example", profile: PROFILE, publicKey: key.publicJwk }, key.signer);
      const out = openssl(["req", "-inform", "der", "-in", "{dir}/r.der", "-noout", "-text", "-verify"], { "r.der": csr });
      expect(out, kind).toContain("Subject: CN = req.example");
      expect(out, kind).toMatch(/Requested Extensions:[\s\S]*Key Usage: critical[\s\S]*DNS:a.example/);
    }
  });
});

describe("distinguished names", () => {
  it("parses quoted and escaped values, multi-valued RDNs, OIDs and the separators Key Vault accepts", () => {
    const name = parseName('CN="Smith, John" + UID=js, O=Org\\, Inc.; OU=R&D, OID.2.5.4.5=1234, E=a@b.example, C=de');
    expect(formatName(name)).toBe('CN="Smith, John" + UID=js, O="Org, Inc.", OU=R&D, SERIALNUMBER=1234, E=a@b.example, C=de');
  });

  it("round-trips through the encoding: node reads what was written, in RFC 4514 order", () => {
    const key = testKey("P-256");
    const der = selfSignedCertificate(
      {
        subject: "CN=Zoë, O=Ünïcode, C=FR",
        profile: {},
        publicKey: key.publicJwk,
        notBefore: 0,
        notAfter: 86_400 * 365,
        serial: new Uint8Array([1]),
      },
      key.signer,
    );
    expect(new X509Certificate(Buffer.from(der)).subject.split("\n")).toEqual(["C=FR", "O=Ünïcode", "CN=Zoë"]);
    expect(readCertificate(der).subject).toBe("CN=Zoë, O=Ünïcode, C=FR");
  });

  for (const [bad, why] of [
    ["", /empty/],
    ["   ", /empty/],
    ["CN", /NAME=value/],
    ["CN=", /empty value/],
    ["XX=1", /unknown attribute/],
    ["CN=a,,O=b", /empty relative/],
    ["C=USA", /two-letter/],
    ['CN="open', /quote/],
  ] as const) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => parseName(bad)).toThrow(why);
      expect(() => parseName(bad)).toThrow(X509Error);
    });
  }
});

describe("PKCS#12", () => {
  const key = testKey("P-256");
  const cert = selfSignedCertificate(
    { subject: "CN=pfx", profile: {}, publicKey: key.publicJwk, notBefore: 0, notAfter: 2_000_000_000, serial: new Uint8Array([7]) },
    key.signer,
  );
  const files = {
    "k.pem": key.privateKey.export({ format: "pem", type: "pkcs8" }) as string,
    "c.pem": pemEncode("CERTIFICATE", cert),
  };
  const exportPfx = (extra: string[], pass: string) =>
    opensslFile(
      ["pkcs12", "-export", "-inkey", "{dir}/k.pem", "-in", "{dir}/c.pem", "-passout", `pass:${pass}`, "-out", "{dir}/o.p12", ...extra],
      files,
      "o.p12",
    );

  it.skipIf(!hasOpenssl)("opens what OpenSSL writes: PBES2/AES (default), legacy 3DES/RC2, empty password, no MAC", () => {
    for (const [extra, pass] of [
      [[], "secret"],
      [["-legacy"], "secret"],
      [[], ""],
      [["-nomac"], "secret"],
      [[], "pässwörd"],
    ] as [string[], string][]) {
      const out = readPfx(exportPfx(extra, pass), pass);
      expect(out.certs, `${extra} ${pass}`).toEqual([cert]);
      expect(out.keys).toHaveLength(1);
      const jwk = readPrivateKey(out.keys[0]!);
      expect(jwk).toEqual({ ...key.privateKey.export({ format: "jwk" }), kty: "EC", crv: "P-256" });
    }
  });

  it.skipIf(!hasOpenssl)("names a wrong password, with and without a MAC", () => {
    expect(() => readPfx(exportPfx([], "right"), "wrong")).toThrow(/cannot be decrypted with the given password/);
    expect(() => readPfx(exportPfx(["-nomac"], "right"), "wrong")).toThrow(/cannot be decrypted with the given password/);
  });

  it("refuses corrupt data with an X509Error, never another error", () => {
    const pfx = buildPfx({ certs: [cert], password: "" });
    for (const corrupt of [
      new Uint8Array(0),
      new Uint8Array([0x30, 0x03, 0x02, 0x01]),
      pfx.subarray(0, pfx.length - 9),
      new TextEncoder().encode("not a pfx"),
    ]) {
      expect(() => readPfx(corrupt, "")).toThrow(X509Error);
    }
    const flipped = pfx.slice();
    flipped[flipped.length - 40]! ^= 1;
    expect(() => readPfx(flipped, "")).toThrow(X509Error);
  });

  it.skipIf(!hasOpenssl)("what it writes opens in OpenSSL and Node's TLS, with and without the key", () => {
    const pkcs8 = new Uint8Array(key.privateKey.export({ format: "der", type: "pkcs8" }));
    const withKey = buildPfx({ key: pkcs8, certs: [cert], password: "" });
    const info = openssl(["pkcs12", "-in", "{dir}/o.p12", "-passin", "pass:", "-info", "-nodes"], { "o.p12": withKey });
    expect(info).toMatch(/MAC: sha256, Iteration 2048/);
    expect(info).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    expect(info).toContain("localKeyID: 01 00 00 00");
    const pem = pemBlocks(info);
    expect(pem.find((b) => b.label === "CERTIFICATE")?.der).toEqual(cert);
    const k = pem.find((b) => b.label === "PRIVATE KEY")!;
    expect(createPrivateKey({ key: Buffer.from(k.der), format: "der", type: "pkcs8" }).export({ format: "jwk" })).toEqual(
      key.privateKey.export({ format: "jwk" }),
    );
    expect(() => createSecureContext({ pfx: Buffer.from(withKey), passphrase: "" })).not.toThrow();
    const noKey = buildPfx({ certs: [cert], password: "" });
    const noKeyText = openssl(["pkcs12", "-in", "{dir}/o.p12", "-passin", "pass:", "-nodes"], { "o.p12": noKey });
    expect(noKeyText).not.toContain("PRIVATE KEY");
    expect(readPfx(noKey, "")).toEqual({ keys: [], certs: [cert] });
  });
});

describe("PKCS#8", () => {
  it("reads RSA and EC keys as node:crypto exports them as JWK", () => {
    for (const kind of ["RSA", "P-256", "P-384", "P-521", "P-256K"] as const) {
      const key = testKey(kind);
      const der = new Uint8Array(key.privateKey.export({ format: "der", type: "pkcs8" }));
      const jwk = key.privateKey.export({ format: "jwk" });
      expect(readPrivateKey(der), kind).toEqual({ ...jwk, ...(kind === "RSA" ? {} : { crv: kind }) });
    }
  });

  it("refuses what is not PKCS#8", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = new Uint8Array(privateKey.export({ format: "der", type: "pkcs1" }));
    expect(() => readPrivateKey(pkcs1)).toThrow(/not a PKCS#8/);
    const ed = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }));
    expect(() => readPrivateKey(ed)).toThrow(/neither RSA nor EC/);
  });
});

describe("PEM", () => {
  it("encodes 64-character lines with LF and reads blocks back, ignoring text between them", () => {
    const der = new Uint8Array(200).map((_, i) => i);
    const text = pemEncode("CERTIFICATE", der);
    expect(
      text
        .split("\n")
        .slice(1, -2)
        .every((l) => l.length <= 64),
    ).toBe(true);
    expect(text.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
    expect(pemBlocks(`subject=x\n${text}junk\n${pemEncode("PRIVATE KEY", der)}`)).toEqual([
      { label: "CERTIFICATE", der },
      { label: "PRIVATE KEY", der },
    ]);
    expect(() => pemBlocks("-----BEGIN A-----\nAAAA\n-----END B-----")).toThrow(/ends as B/);
    expect(() => pemBlocks("-----BEGIN A-----\n%%%\n-----END A-----")).toThrow(/not base64/);
  });
});
