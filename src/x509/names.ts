// Distinguished names as Key Vault writes them in a policy's subject ("CN=host, O=Org, C=US") and as
// it renders a certificate's subject on import. The text is RFC 4514's form: RDNs separated by "," (or
// ";"), multi-valued RDNs by "+", values quoted or backslash-escaped; the FIRST RDN of the text is the
// LAST of the encoded sequence (RFC 4514 §2.1, and how .NET's X500DistinguishedName reads it).
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import { toHex } from "../encoding/hex.js";
import { X509Error } from "./errors.js";

/** Attribute short names (Windows and RFC 4514 spellings), their OIDs, and the name written back. */
const ATTRIBUTES: { names: string[]; oid: string; string?: "printable" | "ia5" }[] = [
  { names: ["CN"], oid: "2.5.4.3" },
  { names: ["SN", "SURNAME"], oid: "2.5.4.4" },
  { names: ["SERIALNUMBER"], oid: "2.5.4.5", string: "printable" },
  { names: ["C"], oid: "2.5.4.6", string: "printable" },
  { names: ["L"], oid: "2.5.4.7" },
  { names: ["S", "ST"], oid: "2.5.4.8" },
  { names: ["STREET"], oid: "2.5.4.9" },
  { names: ["O"], oid: "2.5.4.10" },
  { names: ["OU"], oid: "2.5.4.11" },
  { names: ["T", "TITLE"], oid: "2.5.4.12" },
  { names: ["G", "GN", "GIVENNAME"], oid: "2.5.4.42" },
  { names: ["I", "INITIALS"], oid: "2.5.4.43" },
  { names: ["E", "EMAIL", "EMAILADDRESS"], oid: "1.2.840.113549.1.9.1", string: "ia5" },
  { names: ["DC"], oid: "0.9.2342.19200300.100.1.25", string: "ia5" },
  { names: ["UID"], oid: "0.9.2342.19200300.100.1.1" },
];

const BY_NAME = new Map(ATTRIBUTES.flatMap((a) => a.names.map((n) => [n, a] as const)));
const BY_OID = new Map(ATTRIBUTES.map((a) => [a.oid, a] as const));
const OID_RE = /^(?:OID\.)?([0-2](?:\.(?:0|[1-9]\d*))+)$/i;
/** X.680 PrintableString's alphabet. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const MAX_VALUE = 256;

interface Pair {
  oid: string;
  value: string;
}

/** Splits `text` at unquoted, unescaped occurrences of any of `seps`. */
function split(text: string, seps: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[++i]!;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (!quoted && seps.includes(c)) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (quoted) throw new X509Error("a quoted value is not closed");
  out.push(cur);
  return out;
}

function unescapeValue(raw: string): string {
  const v = raw.trim();
  if (v.startsWith('"')) {
    if (!v.endsWith('"') || v.length < 2) throw new X509Error(`the value ${v} has an unbalanced quote`);
    return v.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return v.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 2 ? String.fromCharCode(Number.parseInt(e, 16)) : e));
}

function parsePair(text: string): Pair {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new X509Error(`"${text.trim()}" is not of the form NAME=value`);
  const key = text.slice(0, eq).trim();
  const value = unescapeValue(text.slice(eq + 1));
  const known = BY_NAME.get(key.toUpperCase());
  const oid = known?.oid ?? OID_RE.exec(key)?.[1];
  if (!oid)
    throw new X509Error(`unknown attribute "${key}" (use CN, O, OU, L, S, C, E, DC, STREET, SERIALNUMBER, G, SN, T, UID or an OID)`);
  if (value === "") throw new X509Error(`the attribute ${key} has an empty value`);
  if (value.length > MAX_VALUE) throw new X509Error(`the value of ${key} is longer than ${MAX_VALUE} characters`);
  if (oid === "2.5.4.6" && !/^[A-Za-z]{2}$/.test(value)) throw new X509Error(`C must be a two-letter country code; got "${value}"`);
  return { oid, value };
}

function attributeValue(p: Pair): AttributeValue {
  const kind = BY_OID.get(p.oid)?.string;
  if (kind === "ia5") {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5String is 7-bit ASCII, control characters included
    if (!/^[\x00-\x7f]*$/.test(p.value)) throw new X509Error(`the value "${p.value}" must be ASCII`);
    return new AttributeValue({ ia5String: p.value });
  }
  if (kind === "printable" || PRINTABLE.test(p.value)) {
    if (!PRINTABLE.test(p.value)) throw new X509Error(`the value "${p.value}" must use PrintableString characters`);
    return new AttributeValue({ printableString: p.value });
  }
  return new AttributeValue({ utf8String: p.value });
}

/** Parses a distinguished name; throws X509Error naming what is wrong. */
export function parseName(text: string): Name {
  if (typeof text !== "string" || text.trim() === "") throw new X509Error("the subject is empty");
  const rdns = split(text, ",;").map((rdn) => {
    if (rdn.trim() === "") throw new X509Error("the subject has an empty relative distinguished name (two separators in a row)");
    return new RelativeDistinguishedName(
      split(rdn, "+").map((pair) => {
        const p = parsePair(pair);
        return new AttributeTypeAndValue({ type: p.oid, value: attributeValue(p) });
      }),
    );
  });
  return new Name(rdns.reverse());
}

function escapeValue(v: string): string {
  const escaped = v.replace(/(["\\])/g, "\\$1");
  return /[,;+=<>\n"]|^[\s#]|\s$/.test(v) ? `"${escaped}"` : escaped;
}

/** A value's text; one of a type that is not a string is written as "#" and its DER in hex (RFC 4514 §2.4). */
function valueText(v: AttributeValue): string {
  return v.anyValue ? `#${toHex(new Uint8Array(v.anyValue))}` : v.toString();
}

/** The RFC 4514 text of a name, with Windows' attribute names (CN, O, OU, L, S, C, E, ...). */
export function formatName(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((atv) => {
          const text = valueText(atv.value);
          return `${BY_OID.get(atv.type)?.names[0] ?? `OID.${atv.type}`}=${atv.value.anyValue ? text : escapeValue(text)}`;
        })
        .join(" + "),
    )
    .join(", ");
}
