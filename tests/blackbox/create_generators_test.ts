// Black-box: kubectl 1.32's `create` generators and flags beyond the basics — `--from-env-file`,
// `--append-hash`, `--save-config`, `secret tls`, `secret docker-registry` — and `create -f
// --save-config`. Every generator case has a golden result taken from kubectl v1.32 (with
// "kubectl" replaced by "k1s"); when kubectl 1.32 is installed (`kubectl.1.32` on PATH or next to
// the real `kubectl`, or K1S_KUBECTL), each case is also run with it and compared byte for byte.
import assert from "node:assert/strict";
import { assertOk, type Run, type Sandbox, sandbox } from "./_harness.ts";
import { KUBECTL_132, kubectlOffline } from "../_kubectl.ts";

/** A fixed self-signed P-256 certificate (CN=t), its key, and an unrelated key. */
const PEM = {
  cert:
    "-----BEGIN CERTIFICATE-----\nMIIBbDCCAROgAwIBAgIUN29cGeDtc/3SFs43ARMdsXGFMKgwCgYIKoZIzj0EAwIw\nDDEKMAgGA1UEAwwBdDAeFw0yNjEyMDQxNjAzMDlaFw0zNjEyMDExNjAzMDlaMAwx\nCjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ9bA1FBUmlphnu\nKuBwBo9evMdMeNToPA79iHSxeZDySrgakQTUvPKcLantht1LA2r5MRQYau9oozYO\nNQp315uWo1MwUTAdBgNVHQ4EFgQUpFilmui6sbjDHiW1ssJMFrDIQdEwHwYDVR0j\nBBgwFoAUpFilmui6sbjDHiW1ssJMFrDIQdEwDwYDVR0TAQH/BAUwAwEB/zAKBggq\nhkjOPQQDAgNHADBEAiArvp8Xj+mKzWnjJ1C82o1stdIck6YNJ+53Pi/H2/L1gAIg\nO3AmOqMg/EcSr1pA0Zu8SWk06ojuZRgkl3Hqkgpa7SA=\n-----END CERTIFICATE-----\n",
  key:
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsPDzupv1iX6HB/xP\nWZ0VSqCg7DHqMWC8RNO6lDlvSe6hRANCAAQ9bA1FBUmlphnuKuBwBo9evMdMeNTo\nPA79iHSxeZDySrgakQTUvPKcLantht1LA2r5MRQYau9oozYONQp315uW\n-----END PRIVATE KEY-----\n",
  key2:
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7r/fUP3AzQX5r6K/\n+cqBbvjyEPQZVpUa6/OI4i6Z74GhRANCAAR0v468NjCcIUt2TbsVc7hmrKQDz2sl\nDHsys6JfCi6t4QzIiqgDwsiE1h3tTEA53gI0auVPdByV6BZ6MBdUBBHi\n-----END PRIVATE KEY-----\n",
};

/** The files of the generator cases, written into the sandbox directory (the runs' cwd). */
function caseFiles(): Record<string, string | Uint8Array> {
  return {
    "app.env":
      "# settings\n\nA=1\n  \tB=two words \r\nC=x=y\r\nK1S_TEST_FROM_ENV\n   # indented comment\nEMPTY=\n",
    "bom.env": "\ufeffZ=last",
    "two.env": "T=2\n",
    "three.env": "T3=3\n",
    "blank.env": "A=1\nB =2\n",
    "digit.env": "1A=1\n",
    "export.env": "export A=1\n",
    "dots.env": "..A=1\n",
    "bad.env": new Uint8Array([0x41, 0x3d, 0x31, 0x0a, 0x42, 0x3d, 0xff, 0x0a]),
    "a.txt": "hello\n",
    "bin": new Uint8Array([0xff, 0xfe, 0x00, 0x01]),
    "dir/x": "x in dir\n",
    "dir/y.conf": "y=1\n",
    "cfg.json": '{"auths":{"r.example":{"auth":"dTpw"}}}\n',
    "c.pem": PEM.cert,
    "k.pem": PEM.key,
    "k2.pem": PEM.key2,
  };
}

/** The environment of every case run (a value for the env file's bare `K1S_TEST_FROM_ENV`). */
const CASE_ENV = { K1S_TEST_FROM_ENV: "from the environment" };

async function writeCaseFiles(s: Sandbox): Promise<void> {
  for (const [name, content] of Object.entries(caseFiles())) {
    const path = `${s.dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
}

/** kubectl 1.32, when installed: K1S_KUBECTL, `kubectl.1.32` on PATH, or next to `kubectl`. */
const KUBECTL = KUBECTL_132;

/** Runs kubectl offline in the sandbox directory, with "kubectl" in messages replaced by "k1s". */
async function kubectl(s: Sandbox, args: string[]): Promise<Run> {
  const r = await kubectlOffline(args, s.dir, CASE_ENV);
  return { ...r, err: r.err.replaceAll("kubectl", "k1s") };
}

/** One generator case: `create ARGS --dry-run=client`, and kubectl v1.32's result for it. */
interface Case {
  title: string;
  args: string[];
  code: number;
  out: string;
  err: string;
}

const CASES: Case[] = [
  {
    "title": "env file: comments, blanks, leading blanks, CRLF, a value from the environment",
    "args": [
      "configmap",
      "env",
      "--from-env-file=app.env",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\ndata:\n  A: "1"\n  B: \'two words \'\n  C: x=y\n  EMPTY: ""\n  K1S_TEST_FROM_ENV: from the environment\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: env\n',
    "err": "",
  },
  {
    "title": "env file in a secret, with a BOM and no final newline",
    "args": [
      "secret",
      "generic",
      "env",
      "--from-env-file=bom.env",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\ndata:\n  Z: bGFzdA==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: env\n",
    "err": "",
  },
  {
    "title": "several env files (repeated and comma-separated)",
    "args": [
      "configmap",
      "env",
      "--from-env-file=bom.env",
      "--from-env-file=two.env,three.env",
      "-o",
      "json",
    ],
    "code": 0,
    "out":
      '{\n    "kind": "ConfigMap",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "env",\n        "creationTimestamp": null\n    },\n    "data": {\n        "T": "2",\n        "T3": "3",\n        "Z": "last"\n    }\n}\n',
    "err": "",
  },
  {
    "title": "env file: a key with a blank before =",
    "args": [
      "configmap",
      "env",
      "--from-env-file=blank.env",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"B \" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n",
  },
  {
    "title": "env file: a key starting with a digit",
    "args": [
      "secret",
      "generic",
      "env",
      "--from-env-file=digit.env",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"1A\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n",
  },
  {
    "title": "env file: an export prefix",
    "args": [
      "configmap",
      "env",
      "--from-env-file=export.env",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"export A\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n",
  },
  {
    "title": "env file: a key starting with ..",
    "args": [
      "configmap",
      "env",
      "--from-env-file=dots.env",
    ],
    "code": 1,
    "out": "",
    "err": "error: \"..A\" is not a valid key name: must not start with '..'\n",
  },
  {
    "title": "env file: invalid UTF-8",
    "args": [
      "configmap",
      "env",
      "--from-env-file=bad.env",
    ],
    "code": 1,
    "out": "",
    "err": "error: env file bad.env contains invalid utf8 bytes at line 2: [66 61 255]\n",
  },
  {
    "title": "env file: a duplicate key",
    "args": [
      "configmap",
      "env",
      "--from-env-file=bom.env",
      "--from-env-file=bom.env",
    ],
    "code": 1,
    "out": "",
    "err":
      'error: cannot add key "Z", another key by that name already exists in Data for ConfigMap "env"\n',
  },
  {
    "title": "env file: a duplicate key in a secret",
    "args": [
      "secret",
      "generic",
      "env",
      "--from-env-file=bom.env,bom.env",
    ],
    "code": 1,
    "out": "",
    "err": "error: cannot add key Z, another key by that name already exists\n",
  },
  {
    "title": "env file: missing",
    "args": [
      "configmap",
      "env",
      "--from-env-file=nope.env",
    ],
    "code": 1,
    "out": "",
    "err": "error: error reading nope.env: no such file or directory\n",
  },
  {
    "title": "env file: a directory (configmap)",
    "args": [
      "configmap",
      "env",
      "--from-env-file=dir",
    ],
    "code": 1,
    "out": "",
    "err": "error: env config file cannot be a directory\n",
  },
  {
    "title": "env file: a directory (secret)",
    "args": [
      "secret",
      "generic",
      "env",
      "--from-env-file=dir",
    ],
    "code": 1,
    "out": "",
    "err": "error: env secret file cannot be a directory\n",
  },
  {
    "title": "--from-env-file with --from-literal",
    "args": [
      "configmap",
      "env",
      "--from-env-file=app.env",
      "--from-literal=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: from-env-file cannot be combined with from-file or from-literal\n",
  },
  {
    "title": "--from-env-file with --from-file",
    "args": [
      "secret",
      "generic",
      "env",
      "--from-env-file=app.env",
      "--from-file=app.env",
    ],
    "code": 1,
    "out": "",
    "err": "error: from-env-file cannot be combined with from-file or from-literal\n",
  },
  {
    "title": "--from-file: comma-separated, a directory, binary data",
    "args": [
      "configmap",
      "files",
      "--from-file=a.txt,dir",
      "--from-file=bin",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\nbinaryData:\n  bin: //4AAQ==\ndata:\n  a.txt: |\n    hello\n  x: |\n    x in dir\n  y.conf: |\n    y=1\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: files\n",
    "err": "",
  },
  {
    "title": "--from-file: key for a directory",
    "args": [
      "configmap",
      "files",
      "--from-file=k=dir",
    ],
    "code": 1,
    "out": "",
    "err": "error: cannot give a key name for a directory path\n",
  },
  {
    "title": "--from-file: missing key name",
    "args": [
      "configmap",
      "files",
      "--from-file==a.txt",
    ],
    "code": 1,
    "out": "",
    "err": "error: key name for file path a.txt missing\n",
  },
  {
    "title": "--from-file: missing path",
    "args": [
      "secret",
      "generic",
      "files",
      "--from-file=k=",
    ],
    "code": 1,
    "out": "",
    "err": "error: file path for key name k missing\n",
  },
  {
    "title": "--from-file: two =",
    "args": [
      "configmap",
      "files",
      "--from-file=k=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: key names or file paths cannot contain '='\n",
  },
  {
    "title": "--from-file: missing file",
    "args": [
      "secret",
      "generic",
      "files",
      "--from-file=nope.txt",
    ],
    "code": 1,
    "out": "",
    "err": "error: error reading nope.txt: no such file or directory\n",
  },
  {
    "title": "configmap: a binary key clashing with a literal",
    "args": [
      "configmap",
      "files",
      "--from-file=bin",
      "--from-literal=bin=x",
    ],
    "code": 1,
    "out": "",
    "err":
      'error: cannot add key "bin", another key by that name already exists in BinaryData for ConfigMap "files"\n',
  },
  {
    "title": "configmap: an invalid literal key",
    "args": [
      "configmap",
      "files",
      "--from-literal=a b=x",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"a b\" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  },
  {
    "title": "secret: an invalid literal key",
    "args": [
      "secret",
      "generic",
      "files",
      "--from-literal=..x=y",
    ],
    "code": 1,
    "out": "",
    "err": "error: \"..x\" is not valid key name for a Secret must not start with '..'\n",
  },
  {
    "title": "secret: a literal key with a blank",
    "args": [
      "secret",
      "generic",
      "s",
      "--from-literal=a b=c",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"a b\" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  },
  {
    "title": "secret: a file key with a blank",
    "args": [
      "secret",
      "generic",
      "s",
      "--from-file=a b=a.txt",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: \"a b\" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  },
  {
    "title": "namespace: a configmap's flag",
    "args": [
      "namespace",
      "x",
      "--from-literal=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: unknown flag: --from-literal\nSee 'k1s create namespace --help' for usage.\n",
  },
  {
    "title": "serviceaccount: --append-hash is not its flag",
    "args": [
      "serviceaccount",
      "x",
      "--append-hash",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: unknown flag: --append-hash\nSee 'k1s create serviceaccount --help' for usage.\n",
  },
  {
    "title": "configmap: -f is create's flag, not the generator's",
    "args": [
      "configmap",
      "x",
      "-f",
      "cm.yaml",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: unknown shorthand flag: 'f' in -f\nSee 'k1s create configmap --help' for usage.\n",
  },
  {
    "title": "secret: the generators' flags without a type",
    "args": [
      "secret",
      "x",
      "--from-literal=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: unknown flag: --from-literal\nSee 'k1s create secret --help' for usage.\n",
  },
  {
    "title": "secret generic: a tls flag",
    "args": [
      "secret",
      "generic",
      "x",
      "--cert=c.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: unknown flag: --cert\nSee 'k1s create secret generic --help' for usage.\n",
  },
  {
    "title": "secret tls: a generic flag",
    "args": [
      "secret",
      "tls",
      "x",
      "--from-literal=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: unknown flag: --from-literal\nSee 'k1s create secret tls --help' for usage.\n",
  },
  {
    "title": "secret docker-registry: --type is generic's",
    "args": [
      "secret",
      "docker-registry",
      "x",
      "--type=y",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: unknown flag: --type\nSee 'k1s create secret docker-registry --help' for usage.\n",
  },
  {
    "title": "create -f: a generator's flag",
    "args": [
      "-f",
      "cm.yaml",
      "--from-literal=a=b",
    ],
    "code": 1,
    "out": "",
    "err": "error: unknown flag: --from-literal\nSee 'k1s create --help' for usage.\n",
  },
  {
    "title": "--append-hash on a configmap",
    "args": [
      "configmap",
      "h",
      "--from-literal=a=1",
      "--from-literal=b=<&>",
      "--append-hash",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\ndata:\n  a: "1"\n  b: <&>\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: h-cbm2ff5hd8\n',
    "err": "",
  },
  {
    "title": "--append-hash on a configmap with binary data",
    "args": [
      "configmap",
      "h",
      "--from-file=bin",
      "--append-hash",
      "-o",
      "name",
    ],
    "code": 0,
    "out": "configmap/h-ggf49tt96k\n",
    "err": "",
  },
  {
    "title": "--append-hash on an empty configmap",
    "args": [
      "configmap",
      "h",
      "--append-hash",
      "-o",
      "name",
    ],
    "code": 0,
    "out": "configmap/h-9927b88h56\n",
    "err": "",
  },
  {
    "title": "--append-hash on a secret with a type",
    "args": [
      "secret",
      "generic",
      "h",
      "--from-literal=a=1",
      "--type=x/y",
      "--append-hash",
      "-o",
      "json",
    ],
    "code": 0,
    "out":
      '{\n    "kind": "Secret",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "h-kgb5885tgh",\n        "creationTimestamp": null\n    },\n    "data": {\n        "a": "MQ=="\n    },\n    "type": "x/y"\n}\n',
    "err": "",
  },
  {
    "title": "--append-hash on an empty secret",
    "args": [
      "secret",
      "generic",
      "h",
      "--append-hash",
      "-o",
      "name",
    ],
    "code": 0,
    "out": "secret/h-64td2dhm9t\n",
    "err": "",
  },
  {
    "title": "secret tls",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
      "--key=k.pem",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJiRENDQVJPZ0F3SUJBZ0lVTjI5Y0dlRHRjLzNTRnM0M0FSTWRzWEdGTUtnd0NnWUlLb1pJemowRUF3SXcKRERFS01BZ0dBMVVFQXd3QmREQWVGdzB5TmpFeU1EUXhOakF6TURsYUZ3MHpOakV5TURFeE5qQXpNRGxhTUF3eApDakFJQmdOVkJBTU1BWFF3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVE5YkExRkJVbWxwaG51Ckt1QndCbzlldk1kTWVOVG9QQTc5aUhTeGVaRHlTcmdha1FUVXZQS2NMYW50aHQxTEEycjVNUlFZYXU5b296WU8KTlFwMzE1dVdvMU13VVRBZEJnTlZIUTRFRmdRVXBGaWxtdWk2c2JqREhpVzFzc0pNRnJESVFkRXdId1lEVlIwagpCQmd3Rm9BVXBGaWxtdWk2c2JqREhpVzFzc0pNRnJESVFkRXdEd1lEVlIwVEFRSC9CQVV3QXdFQi96QUtCZ2dxCmhrak9QUVFEQWdOSEFEQkVBaUFydnA4WGorbUt6V25qSjFDODJvMXN0ZEljazZZTkorNTNQaS9IMi9MMWdBSWcKTzNBbU9xTWcvRWNTcjFwQTBadThTV2swNm9qdVpSZ2tsM0hxa2dwYTdTQT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ3NQRHp1cHYxaVg2SEIveFAKV1owVlNxQ2c3REhxTVdDOFJOTzZsRGx2U2U2aFJBTkNBQVE5YkExRkJVbWxwaG51S3VCd0JvOWV2TWRNZU5UbwpQQTc5aUhTeGVaRHlTcmdha1FUVXZQS2NMYW50aHQxTEEycjVNUlFZYXU5b296WU9OUXAzMTV1VwotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: t\ntype: kubernetes.io/tls\n",
    "err": "",
  },
  {
    "title": "secret tls --append-hash -n",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
      "--key=k.pem",
      "--append-hash",
      "-n",
      "web",
      "-o",
      "name",
    ],
    "code": 0,
    "out": "secret/t-bm55d9mm4b\n",
    "err": "",
  },
  {
    "title": "secret tls without --key",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: key and cert must be specified\n",
  },
  {
    "title": "secret tls without NAME",
    "args": [
      "secret",
      "tls",
      "--cert=c.pem",
      "--key=k.pem",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: exactly one NAME is required, got 0\nSee 'k1s create secret tls -h' for help and examples\n",
  },
  {
    "title": "secret tls: unreadable cert",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=nope.pem",
      "--key=k.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: Cannot read file nope.pem, open nope.pem: no such file or directory\n",
  },
  {
    "title": "secret tls: cert is a directory",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=dir",
      "--key=k.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: Cannot read file dir, read dir: is a directory\n",
  },
  {
    "title": "secret tls: no PEM in the certificate",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=a.txt",
      "--key=k.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: tls: failed to find any PEM data in certificate input\n",
  },
  {
    "title": "secret tls: no PEM in the key",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
      "--key=a.txt",
    ],
    "code": 1,
    "out": "",
    "err": "error: tls: failed to find any PEM data in key input\n",
  },
  {
    "title": "secret tls: switched inputs",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=k.pem",
      "--key=c.pem",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched\n",
  },
  {
    "title": "secret tls: a certificate as the key",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
      "--key=c.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: tls: found a certificate rather than a key in the PEM for the private key\n",
  },
  {
    "title": "secret tls: a mismatched pair",
    "args": [
      "secret",
      "tls",
      "t",
      "--cert=c.pem",
      "--key=k2.pem",
    ],
    "code": 1,
    "out": "",
    "err": "error: tls: private key does not match public key\n",
  },
  {
    "title": "secret docker-registry",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-username=u",
      "--docker-password=p",
      "--docker-email=e",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiZW1haWwiOiJlIiwiYXV0aCI6ImRUcHcifX19\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: d\ntype: kubernetes.io/dockerconfigjson\n",
    "err": "",
  },
  {
    "title": "secret docker-registry: escaped JSON, other server, -o json",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-server=r.example:5000",
      "--docker-username=u",
      "--docker-password=p<&>",
      "-o",
      "json",
    ],
    "code": 0,
    "out":
      '{\n    "kind": "Secret",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "d",\n        "creationTimestamp": null\n    },\n    "data": {\n        ".dockerconfigjson": "eyJhdXRocyI6eyJyLmV4YW1wbGU6NTAwMCI6eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InBcdTAwM2NcdTAwMjZcdTAwM2UiLCJhdXRoIjoiZFRwd1BDWSsifX19"\n    },\n    "type": "kubernetes.io/dockerconfigjson"\n}\n',
    "err": "",
  },
  {
    "title": "secret docker-registry --append-hash",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-username=u",
      "--docker-password=p",
      "--append-hash",
      "-o",
      "name",
    ],
    "code": 0,
    "out": "secret/d-k85gk65kdh\n",
    "err": "",
  },
  {
    "title": "secret docker-registry --from-file",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--from-file=cfg.json",
      "--from-file=other=cfg.json",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyLmV4YW1wbGUiOnsiYXV0aCI6ImRUcHcifX19Cg==\n  other: eyJhdXRocyI6eyJyLmV4YW1wbGUiOnsiYXV0aCI6ImRUcHcifX19Cg==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: d\ntype: kubernetes.io/dockerconfigjson\n",
    "err": "",
  },
  {
    "title": "secret docker-registry --from-file wins over the flags",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--from-file=cfg.json",
      "--docker-username=u",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyLmV4YW1wbGUiOnsiYXV0aCI6ImRUcHcifX19Cg==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: d\ntype: kubernetes.io/dockerconfigjson\n",
    "err": "",
  },
  {
    "title": "secret docker-registry --from-file twice",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--from-file=cfg.json,cfg.json",
    ],
    "code": 1,
    "out": "",
    "err": "error: cannot add key .dockerconfigjson, another key by that name already exists\n",
  },
  {
    "title": "secret docker-registry --from-file of a directory",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--from-file=dir",
    ],
    "code": 1,
    "out": "",
    "err": "error: cannot give a key name for a directory path\n",
  },
  {
    "title": "secret docker-registry without a password",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-username=u",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n",
  },
  {
    "title": "secret docker-registry with an empty server",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-server=",
      "--docker-username=u",
      "--docker-password=p",
    ],
    "code": 1,
    "out": "",
    "err":
      "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n",
  },
  {
    "title": "--save-config on a configmap with -n",
    "args": [
      "configmap",
      "c",
      "--from-literal=a=b",
      "-n",
      "web",
      "--save-config",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"web","creationTimestamp":null},"data":{"a":"b"}}\n  creationTimestamp: null\n  name: c\n  namespace: web\n',
    "err": "",
  },
  {
    "title": "--save-config on a secret, -o json",
    "args": [
      "secret",
      "generic",
      "s",
      "--from-literal=a=b",
      "--type=foo",
      "--save-config",
      "-o",
      "json",
    ],
    "code": 0,
    "out":
      '{\n    "kind": "Secret",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "s",\n        "creationTimestamp": null,\n        "annotations": {\n            "kubectl.kubernetes.io/last-applied-configuration": "{\\"kind\\":\\"Secret\\",\\"apiVersion\\":\\"v1\\",\\"metadata\\":{\\"name\\":\\"s\\",\\"creationTimestamp\\":null},\\"data\\":{\\"a\\":\\"Yg==\\"},\\"type\\":\\"foo\\"}\\n"\n        }\n    },\n    "data": {\n        "a": "Yg=="\n    },\n    "type": "foo"\n}\n',
    "err": "",
  },
  {
    "title": "--save-config on a docker-registry secret",
    "args": [
      "secret",
      "docker-registry",
      "d",
      "--docker-username=u",
      "--docker-password=p",
      "--save-config",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19\nkind: Secret\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"kind":"Secret","apiVersion":"v1","metadata":{"name":"d","creationTimestamp":null},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19"},"type":"kubernetes.io/dockerconfigjson"}\n  creationTimestamp: null\n  name: d\ntype: kubernetes.io/dockerconfigjson\n',
    "err": "",
  },
  {
    "title": "--save-config on a namespace",
    "args": [
      "namespace",
      "n",
      "--save-config",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"n","creationTimestamp":null},"spec":{},"status":{}}\n  creationTimestamp: null\n  name: "n"\nspec: {}\nstatus: {}\n',
    "err": "",
  },
  {
    "title": "--save-config on a serviceaccount",
    "args": [
      "serviceaccount",
      "sa",
      "--save-config",
      "-o",
      "json",
    ],
    "code": 0,
    "out":
      '{\n    "kind": "ServiceAccount",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "sa",\n        "creationTimestamp": null,\n        "annotations": {\n            "kubectl.kubernetes.io/last-applied-configuration": "{\\"kind\\":\\"ServiceAccount\\",\\"apiVersion\\":\\"v1\\",\\"metadata\\":{\\"name\\":\\"sa\\",\\"creationTimestamp\\":null}}\\n"\n        }\n    }\n}\n',
    "err": "",
  },
  {
    "title": "--save-config with --append-hash",
    "args": [
      "configmap",
      "c",
      "--from-literal=a=b",
      "--append-hash",
      "--save-config",
      "-o",
      "yaml",
    ],
    "code": 0,
    "out":
      'apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c-m4h6ctkgb2","creationTimestamp":null},"data":{"a":"b"}}\n  creationTimestamp: null\n  name: c-m4h6ctkgb2\n',
    "err": "",
  },
];

Deno.test({
  name:
    "create generators match kubectl 1.32 (--from-env-file, --append-hash, --save-config, tls, docker-registry)",
  async fn(t) {
    await using s = await sandbox();
    await writeCaseFiles(s);
    for (const c of CASES) {
      await t.step(c.title, async () => {
        const args = ["create", ...c.args, "--dry-run=client"];
        const got = await s.k1s(args, { cwd: s.dir, env: CASE_ENV });
        assert.deepEqual(got, { code: c.code, out: c.out, err: c.err }, args.join(" "));
        if (KUBECTL) assert.deepEqual(got, await kubectl(s, args), `kubectl ${args.join(" ")}`);
      });
    }
  },
});

/** Replaces the fields the server fills in (creation time, resourceVersion, uid) with markers. */
function serverFields(yaml: string): string {
  return yaml
    .replace(/^( *)creationTimestamp: "[^"]+"$/gm, '$1creationTimestamp: "T"')
    .replace(/^( *)resourceVersion: "\d+"$/gm, '$1resourceVersion: "RV"')
    .replace(/^( *)uid: [0-9a-f-]{36}$/gm, "$1uid: UID");
}

const CM_YAML =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    x: "1"\ndata:\n  k: v\n';
const CM_APPLIED =
  '{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"annotations":{},"labels":{"x":"1"},"name":"a","namespace":"NS"}}';

Deno.test("create -f --save-config stores the last-applied configuration, as kubectl 1.32 does", async () => {
  await using s = await sandbox();
  await s.file("cm.yaml", CM_YAML);
  const here = { cwd: s.dir };
  // kubectl 1.32 (against a server) prints the same for --dry-run=client.
  assertOk(
    await s.k1s(
      ["create", "-f", "cm.yaml", "-n", "web", "--save-config", "--dry-run=client", "-o", "yaml"],
      here,
    ),
    "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  annotations:\n" +
      "    kubectl.kubernetes.io/last-applied-configuration: |\n" +
      `      ${CM_APPLIED.replace("NS", "web")}\n` +
      '  labels:\n    x: "1"\n  name: a\n  namespace: web\n',
  );
  assertOk(
    await s.k1s(["create", "-f", "cm.yaml", "--save-config"], here),
    "configmap/a created\n",
  );
  assertOk(
    await s.k1s([
      "get",
      "cm",
      "a",
      "-o",
      "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}",
    ]),
    CM_APPLIED.replace("NS", "default") + "\n",
  );
  // The saved configuration makes a later apply a three-way merge: nothing changed.
  assertOk(await s.k1s(["apply", "-f", "cm.yaml"], here), "configmap/a unchanged\n");
  // Without --save-config, no annotation.
  assertOk(
    await s.k1s(["create", "-f", "-", "-o", "jsonpath={.metadata.annotations}"], {
      stdin: CM_YAML.replace("name: a", "name: b"),
    }),
    "",
  );
});

Deno.test("generators with --save-config, --append-hash and the new secret types write to the store", async () => {
  await using s = await sandbox();
  await writeCaseFiles(s);
  const here = { cwd: s.dir, env: CASE_ENV };
  assertOk(
    await s.k1s(
      ["create", "configmap", "env", "--from-env-file=app.env", "--append-hash", "--save-config"],
      here,
    ),
    "configmap/env-cdcgmm9kdh created\n", // kubectl 1.32: the same name
  );
  assertOk(
    await s.k1s(["create", "secret", "tls", "t", "--cert=c.pem", "--key=k.pem"], here),
    "secret/t created\n",
  );
  assertOk(
    await s.k1s(
      ["create", "secret", "docker-registry", "d", "--docker-username=u", "--docker-password=p"],
      here,
    ),
    "secret/d created\n",
  );
  const yaml = await s.k1s(["get", "cm", "env-cdcgmm9kdh", "-o", "yaml"]);
  assertOk(
    { ...yaml, out: serverFields(yaml.out) },
    'apiVersion: v1\ndata:\n  A: "1"\n  B: \'two words \'\n  C: x=y\n  EMPTY: ""\n' +
      "  K1S_TEST_FROM_ENV: from the environment\nkind: ConfigMap\nmetadata:\n  annotations:\n" +
      "    kubectl.kubernetes.io/last-applied-configuration: |\n" +
      '      {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"env-cdcgmm9kdh",' +
      '"creationTimestamp":null},"data":{"A":"1","B":"two words ","C":"x=y","EMPTY":"",' +
      '"K1S_TEST_FROM_ENV":"from the environment"}}\n' +
      '  creationTimestamp: "T"\n  name: env-cdcgmm9kdh\n  namespace: default\n' +
      '  resourceVersion: "RV"\n  uid: UID\n',
  );
  assertOk(
    await s.k1s([
      "get",
      "secret",
      "-o",
      'jsonpath={range .items[*]}{.metadata.name} {.type}{"\\n"}{end}',
    ]),
    "d kubernetes.io/dockerconfigjson\nt kubernetes.io/tls\n",
  );
  // A server dry run checks everything and stores nothing; errors are wrapped as kubectl's.
  assertOk(
    await s.k1s(
      [
        "create",
        "secret",
        "tls",
        "t2",
        "--cert=c.pem",
        "--key=k.pem",
        "--dry-run=server",
        "-o",
        "name",
      ],
      here,
    ),
    "secret/t2\n",
  );
  const again = await s.k1s(["create", "secret", "tls", "t", "--cert=c.pem", "--key=k.pem"], here);
  assert.deepEqual(again, {
    code: 1,
    out: "",
    err: 'error: failed to create secret secrets "t" already exists\n',
  });
  assertOk(await s.k1s(["get", "secret", "-o", "name"]), "secret/d\nsecret/t\n");
});
