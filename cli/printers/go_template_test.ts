// Unit tests of the Go template printer (`-o go-template=…`). The table of cases was produced by
// running kubectl v1.32 (`kubectl create deployment d --image=nginx --replicas=3 --dry-run=client
// -o go-template=T`) on DEPLOYMENT below: its output, or its error message (without `error: `) and
// what it printed before failing.
import assert from "node:assert/strict";
import {
  GoTemplateExecPrintError,
  goTemplatePrinter,
  parseGoTemplate,
  TemplateExecError,
  TemplateParseError,
  toGoValue,
} from "./go_template.ts";
import { formatFloat, GoInt, goQuote, sprintf } from "./go_template_fmt.ts";
import { base64Decode } from "./go_template_funcs.ts";
import { PrintError, printObjects } from "./mod.ts";
import { ConfigMap } from "@k1s/k1s";

/** What kubectl v1.32 renders templates on. */
const DEPLOYMENT = {
  kind: "Deployment",
  apiVersion: "apps/v1",
  metadata: { name: "d", creationTimestamp: null, labels: { app: "d" } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "d" } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: "d" } },
      spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
    },
    strategy: {},
  },
  status: {},
};

type Expected = string | { error: string; partial?: string };

/** [template, kubectl v1.32's result on DEPLOYMENT]. */
const CASES: [string, Expected][] = [
  ["{{.metadata.name}}", "d"],
  ["{{.metadata.nope}}", "<no value>"],
  ["{{.nope.deeper}}", "<no value>"],
  ["{{.metadata.name", {
    error: "error parsing template {{.metadata.name, template: output:1: unclosed action",
  }],
  ["{{.metadata.name, }}", {
    error:
      'error parsing template {{.metadata.name, }}, template: output:1: unexpected "," in operand',
  }],
  [
    "{{.}}",
    "map[apiVersion:apps/v1 kind:Deployment metadata:map[creationTimestamp:<nil> labels:map[app:d] name:d] spec:map[replicas:3 selector:map[matchLabels:map[app:d]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:d]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]] status:map[]]",
  ],
  ["{{.data}}", "<no value>"],
  ['{{printf "%d" 3}}', "3"],
  ['{{index .data "a"}}', {
    error:
      'error executing template "{{index .data \\"a\\"}}": template: output:1:2: executing "output" at <index .data "a">: error calling index: index of untyped nil',
  }],
  ['{{index .data "zz"}}', {
    error:
      'error executing template "{{index .data \\"zz\\"}}": template: output:1:2: executing "output" at <index .data "zz">: error calling index: index of untyped nil',
  }],
  ["{{.data.a | base64decode}}", {
    error:
      'error executing template "{{.data.a | base64decode}}": template: output:1:12: executing "output" at <base64decode>: invalid value; expected string',
  }],
  ['{{"YWJj" | base64decode}}', "abc"],
  ["{{toJson .data}}", {
    error:
      'error parsing template {{toJson .data}}, template: output:1: function "toJson" not defined',
  }],
  ['{{exists . "data" "a"}}', "false"],
  ["{{foo}}", {
    error: 'error parsing template {{foo}}, template: output:1: function "foo" not defined',
  }],
  ['{{template "x"}}', {
    error:
      'error executing template "{{template \\"x\\"}}": template: output:1:11: executing "output" at <{{template "x"}}>: template "x" not defined',
  }],
  ["{{len .data}}", {
    error:
      'error executing template "{{len .data}}": template: output:1:2: executing "output" at <len .data>: error calling len: reflect: call of reflect.Value.Type on zero Value',
  }],
  ["{{.spec.replicas}}", "3"],
  [
    '{{printf "%d" .spec.replicas}}|{{printf "%v %s %q %5.1f %x" .spec.replicas .spec.replicas .metadata.name 2.5 255}}',
    '3|3 %!s(int64=3) "d"   2.5 ff',
  ],
  ["{{eq .spec.replicas 3}}", "true"],
  ["{{eq .spec.replicas 3.0}}", {
    error:
      'error executing template "{{eq .spec.replicas 3.0}}": template: output:1:2: executing "output" at <eq .spec.replicas 3.0>: error calling eq: incompatible types for comparison',
  }],
  ["{{.metadata.creationTimestamp}}|{{.metadata.creationTimestamp.x}}", {
    error:
      'error executing template "{{.metadata.creationTimestamp}}|{{.metadata.creationTimestamp.x}}": template: output:1:43: executing "output" at <.metadata.creationTimestamp.x>: nil pointer evaluating interface {}.x',
    partial: "<no value>|",
  }],
  ["{{.spec.template.spec.containers}}", "[map[image:nginx name:nginx resources:map[]]]"],
  ["{{range $i, $c := .spec.template.spec.containers}}{{$i}}={{$c.name}}{{end}}", "0=nginx"],
  ["{{range $k, $v := .metadata.labels}}{{$k}}:{{$v}};{{end}}", "app:d;"],
  ['{{index .spec.template.spec.containers 0 "image"}}', "nginx"],
  ["{{index .spec.template.spec.containers 5}}", {
    error:
      'error executing template "{{index .spec.template.spec.containers 5}}": template: output:1:2: executing "output" at <index .spec.template.spec.containers 5>: error calling index: index out of range: 5',
  }],
  [
    '{{1e6}} {{1000000.0}} {{0.00001}} {{1.5e300}} {{.x | printf "%v"}} {{printf "%s" 3}} {{printf "%d"}} {{printf "%d %d" 1}}',
    "1e+06 1e+06 1e-05 1.5e+300 <nil> %!s(int=3) %!d(MISSING) 1 %!d(MISSING)",
  ],
  ["{{.spec.strategy}}|{{.status}}", "map[]|map[]"],
  ["{{.spec.replicas.foo}}", {
    error:
      'error executing template "{{.spec.replicas.foo}}": template: output:1:7: executing "output" at <.spec.replicas.foo>: can\'t evaluate field foo in type interface {}',
  }],
  ["{{len .spec.replicas}}", {
    error:
      'error executing template "{{len .spec.replicas}}": template: output:1:2: executing "output" at <len .spec.replicas>: error calling len: len of type int64',
  }],
  [
    '{{html "<a&b>"}} {{js "a\'b\\"<"}} {{urlquery "a b&c"}} {{print 1 2 "a" "b" 3}} {{println "x" 1}}',
    "&lt;a&amp;b&gt; a\\'b\\\"\\u003C a+b%26c 1 2ab3 x 1\n",
  ],
  ['{{slice "abcdef" 1 3}} {{not .x}} {{and 1 0}} {{or 0 "" "z"}}', "bc true 0 z"],
  ["{{true}} {{nil}}", {
    error:
      'error executing template "{{true}} {{nil}}": template: output:1:11: executing "output" at <nil>: nil is not a command',
    partial: "true ",
  }],
  ['{{eq .missing "x"}}', "false"],
  ["{{.missing | base64decode}}", {
    error:
      'error executing template "{{.missing | base64decode}}": template: output:1:13: executing "output" at <base64decode>: invalid value; expected string',
  }],
  ["{{.data | base64decode}}", {
    error:
      'error executing template "{{.data | base64decode}}": template: output:1:10: executing "output" at <base64decode>: invalid value; expected string',
  }],
  ['{{range "ab"}}{{.}}{{end}}', {
    error:
      'error executing template "{{range \\"ab\\"}}{{.}}{{end}}": template: output:1:8: executing "output" at <"ab">: range can\'t iterate over ab',
  }],
  ["{{range 3}}{{.}}{{end}}", {
    error:
      'error executing template "{{range 3}}{{.}}{{end}}": template: output:1:8: executing "output" at <3>: range can\'t iterate over 3',
  }],
  ["{{range .missing}}x{{else}}empty{{end}}", "empty"],
  ["{{range .data}}x{{else}}empty{{end}}", "empty"],
  [
    '{{printf "%5d|%-5s|%05.2f|%t|%v|%x|%X|%o|%c|%e|%g|%8.3f|%+d|%U" 42 "ab" 3.14159 true .data "hi" 255 8 65 1234.5678 0.000012 3.0 5 65}}',
    "   42|ab   |03.14|true|<nil>|6869|FF|10|A|1.234568e+03|1.2e-05|   3.000|+5|U+0041",
  ],
  [
    '{{printf "%s %v %d" .metadata .data.a 2.5}}',
    "map[creationTimestamp:<nil> labels:map[app:d] name:d] <nil> %!d(float64=2.5)",
  ],
  ['{{1 | printf "%d %d" 2}}', "2 1"],
  [
    '{{lt 1 2}} {{lt "a" "b"}} {{le 2 2}} {{gt 1.5 1.0}} {{ge 1 2}} {{ne "a" "b"}} {{eq "a" "b" "a"}} {{lt 1 2.0}}',
    {
      error:
        'error executing template "{{lt 1 2}} {{lt \\"a\\" \\"b\\"}} {{le 2 2}} {{gt 1.5 1.0}} {{ge 1 2}} {{ne \\"a\\" \\"b\\"}} {{eq \\"a\\" \\"b\\" \\"a\\"}} {{lt 1 2.0}}": template: output:1:99: executing "output" at <lt 1 2.0>: error calling lt: incompatible types for comparison',
      partial: "true true true true false true true ",
    },
  ],
  [
    '{{$x := "a"}}{{$x = "b"}}{{$x}}{{$}}',
    "bmap[apiVersion:apps/v1 kind:Deployment metadata:map[creationTimestamp:<nil> labels:map[app:d] name:d] spec:map[replicas:3 selector:map[matchLabels:map[app:d]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:d]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]] status:map[]]",
  ],
  ["{{with .missing}}y{{else with .data}}{{.a}}{{end}}", ""],
  ["{{if .missing}}1{{else if .data}}2{{else}}3{{end}}", "3"],
  ['{{- "a" -}}  {{- /* c */ -}}   b', "ab"],
  [
    '{{define "t"}}[{{.}}]{{end}}{{template "t" .data.a}}{{block "b" .kind}}<{{.}}>{{end}}',
    "[<no value>]<Deployment>",
  ],
  ['{{index .data}}|{{index "abc" 1}}|{{index .data 1}}', {
    error:
      'error executing template "{{index .data}}|{{index \\"abc\\" 1}}|{{index .data 1}}": template: output:1:2: executing "output" at <index .data>: error calling index: index of untyped nil',
  }],
  ["{{slice .data}}", {
    error:
      'error executing template "{{slice .data}}": template: output:1:2: executing "output" at <slice .data>: error calling slice: slice of untyped nil',
  }],
  [
    '{{len "héllo"}} {{print nil}} {{print .missing}} {{print 1.0 2}} {{println}}',
    "6 <nil> <nil> 1 2 \n",
  ],
  ["{{.metadata.name.x}}", {
    error:
      'error executing template "{{.metadata.name.x}}": template: output:1:11: executing "output" at <.metadata.name.x>: can\'t evaluate field x in type interface {}',
  }],
  ['{{$.kind}} {{(.data).a}} {{(index .data "a")}}', {
    error:
      'error executing template "{{$.kind}} {{(.data).a}} {{(index .data \\"a\\")}}": template: output:1:28: executing "output" at <index .data "a">: error calling index: index of untyped nil',
    partial: "Deployment <no value> ",
  }],
  ["{{eq .missing .missing2}}", "true"],
  ["{{len .missing}}", {
    error:
      'error executing template "{{len .missing}}": template: output:1:2: executing "output" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value',
  }],
  ["{{eq .data .data}}", "true"],
  ['{{eq .data "x"}}', "false"],
  ['{{with $x := "s"}}{{$x.foo}}{{end}}', {
    error:
      'error executing template "{{with $x := \\"s\\"}}{{$x.foo}}{{end}}": template: output:1:22: executing "output" at <$x.foo>: can\'t evaluate field foo in type string',
  }],
  ["{{with .metadata.name}}{{.foo}}{{end}}", {
    error:
      'error executing template "{{with .metadata.name}}{{.foo}}{{end}}": template: output:1:25: executing "output" at <.foo>: can\'t evaluate field foo in type string',
  }],
  ['{{index .metadata.creationTimestamp "a"}}', {
    error:
      'error executing template "{{index .metadata.creationTimestamp \\"a\\"}}": template: output:1:2: executing "output" at <index .metadata.creationTimestamp "a">: error calling index: index of untyped nil',
  }],
  [
    '{{printf "%s" .metadata.creationTimestamp}}|{{printf "%v" .missing}}|{{printf "%d" .missing}}',
    "%!s(<nil>)|<nil>|%!d(<nil>)",
  ],
  ["{{html .missing 1}}", "&lt;no value&gt;1"],
  ["{{printf 3}}", {
    error:
      'error executing template "{{printf 3}}": template: output:1:9: executing "output" at <3>: expected string; found 3',
  }],
  ["{{.data.a 1}}", "<no value>"],
  ["{{", { error: "error parsing template {{, template: output:1: unclosed action" }],
  ["{{}}", { error: "error parsing template {{}}, template: output:1: missing value for command" }],
  ["{{.a}", {
    error: "error parsing template {{.a}, template: output:1: bad character U+007D '}'",
  }],
  ["{{end}}", { error: "error parsing template {{end}}, template: output:1: unexpected {{end}}" }],
  ["{{else}}", {
    error: "error parsing template {{else}}, template: output:1: unexpected {{else}}",
  }],
  ["{{if .a}}", { error: "error parsing template {{if .a}}, template: output:1: unexpected EOF" }],
  ["{{if}}{{end}}", {
    error: "error parsing template {{if}}{{end}}, template: output:1: missing value for if",
  }],
  ["{{range .a}}{{else}}{{else}}{{end}}", {
    error:
      "error parsing template {{range .a}}{{else}}{{else}}{{end}}, template: output:1: expected end; found {{else}}",
  }],
  ["{{$x}}", {
    error: 'error parsing template {{$x}}, template: output:1: undefined variable "$x"',
  }],
  ["{{$x := 1}}{{$x}}", "1"],
  ["{{with $x := 1}}{{end}}{{$x}}", {
    error:
      'error parsing template {{with $x := 1}}{{end}}{{$x}}, template: output:1: undefined variable "$x"',
  }],
  ["{{break}}", {
    error: "error parsing template {{break}}, template: output:1: {{break}} outside {{range}}",
  }],
  ["{{range .items}}{{break}}{{end}}", ""],
  ['{{"abc}}', {
    error: 'error parsing template {{"abc}}, template: output:1: unterminated quoted string',
  }],
  ["{{`abc}}", {
    error: "error parsing template {{`abc}}, template: output:1: unterminated raw quoted string",
  }],
  ["{{'a}}", {
    error: "error parsing template {{'a}}, template: output:1: unterminated character constant",
  }],
  ["{{'a'}}", "97"],
  [
    "{{0x1F}} {{0o17}} {{0b101}} {{1_000}} {{-3}} {{+3}} {{.5}} {{1e3}} {{'\\n'}}",
    "31 15 5 1000 -3 3 0.5 1000 10",
  ],
  ["{{3x}}", {
    error: 'error parsing template {{3x}}, template: output:1: bad number syntax: "3x"',
  }],
  ["{{.a-b}}", {
    error: "error parsing template {{.a-b}}, template: output:1: bad character U+002D '-'",
  }],
  ["{{.a=b}}", {
    error: "error parsing template {{.a=b}}, template: output:1: bad character U+003D '='",
  }],
  ["{{$ := 1}}", ""],
  ["{{(.a}}", { error: "error parsing template {{(.a}}, template: output:1: unclosed left paren" }],
  ["{{.a)}}", {
    error: "error parsing template {{.a)}}, template: output:1: unexpected right paren",
  }],
  ["{{.a | 3}}", {
    error:
      "error parsing template {{.a | 3}}, template: output:1: non executable command in pipeline stage 2",
  }],
  ["{{1.x}}", {
    error: 'error parsing template {{1.x}}, template: output:1: bad number syntax: "1.x"',
  }],
  ['{{"a".x}}', {
    error:
      'error parsing template {{"a".x}}, template: output:1: unexpected . after term "\\"a\\""',
  }],
  ["line1\n{{.a\nb}}", {
    error: 'error parsing template line1\n{{.a\nb}}, template: output:3: function "b" not defined',
  }],
  ["line1\n{{if .a}}\n\n{{end}", {
    error:
      "error parsing template line1\n{{if .a}}\n\n{{end}, template: output:4: bad character U+007D '}'",
  }],
  ["{{/* unclosed", {
    error: "error parsing template {{/* unclosed, template: output:1: unclosed comment",
  }],
  ["{{/* c */ x}}", {
    error:
      "error parsing template {{/* c */ x}}, template: output:1: comment ends before closing delimiter",
  }],
  ["{{- /* c */ -}}", ""],
  ["{{-3}}", "-3"],
  ["a  {{- .kind}}  b {{.kind -}}  \n c", "aDeployment  b Deploymentc"],
  ["{{ .kind }}", "Deployment"],
  ["{{\t.kind\n}}", "Deployment"],
  ['{{.kind|printf "%s!"}}', "Deployment!"],
  ["{{.kind | len}}", "10"],
  ["{{range $i, $e := .metadata}}{{$i}}{{end}}", "creationTimestamplabelsname"],
  ["{{range $i, $e, $f := .metadata}}{{end}}", {
    error:
      "error parsing template {{range $i, $e, $f := .metadata}}{{end}}, template: output:1: too many declarations in range",
  }],
  ["{{$a, $b := 1}}", {
    error:
      "error parsing template {{$a, $b := 1}}, template: output:1: too many declarations in command",
  }],
  ["{{range $k := .metadata}}{{$k}},{{end}}", "<no value>,map[app:d],d,"],
  ["{{range .metadata}}{{continue}}x{{end}}y", "y"],
  ['{{define "a"}}x{{end}}{{define "a"}}y{{end}}', {
    error:
      'error parsing template {{define "a"}}x{{end}}{{define "a"}}y{{end}}, template: output:1: template: multiple definition of template "a"',
  }],
  ['{{define "a"}}{{end}}{{define "a"}}y{{end}}{{template "a"}}', "y"],
  ['{{template "a" 1 2}}', {
    error:
      'error executing template "{{template \\"a\\" 1 2}}": template: output:1:11: executing "output" at <{{template "a" 1 2}}>: template "a" not defined',
  }],
  ["{{template a}}", {
    error:
      'error parsing template {{template a}}, template: output:1: unexpected "a" in template clause',
  }],
  ["{{define a}}{{end}}", {
    error:
      'error parsing template {{define a}}{{end}}, template: output:1: unexpected "a" in define clause',
  }],
  ['{{define "a"}}', {
    error: 'error parsing template {{define "a"}}, template: output:1: unexpected EOF',
  }],
  ["{{else if .a}}", {
    error: "error parsing template {{else if .a}}, template: output:1: unexpected {{else}}",
  }],
  ["{{if .a}}{{else if .b}}{{else}}{{end}}{{with .a}}{{else with .b}}{{end}}", ""],
  ["{{range .a}}{{else if .b}}{{end}}", {
    error:
      "error parsing template {{range .a}}{{else if .b}}{{end}}, template: output:1: unexpected <if> in input",
  }],
  ["{{printf}}", {
    error:
      'error executing template "{{printf}}": template: output:1:2: executing "output" at <printf>: wrong number of args for printf: want at least 1 got 0',
  }],
  ["{{not 1 2}}", {
    error:
      'error executing template "{{not 1 2}}": template: output:1:2: executing "output" at <not>: wrong number of args for not: want 1 got 2',
  }],
  ["{{ne 1}}", {
    error:
      'error executing template "{{ne 1}}": template: output:1:2: executing "output" at <ne>: wrong number of args for ne: want 2 got 1',
  }],
  ["{{index}}", {
    error:
      'error executing template "{{index}}": template: output:1:2: executing "output" at <index>: wrong number of args for index: want at least 1 got 0',
  }],
  ["{{len}}", {
    error:
      'error executing template "{{len}}": template: output:1:2: executing "output" at <len>: wrong number of args for len: want 1 got 0',
  }],
  ["{{and}}", {
    error:
      'error executing template "{{and}}": template: output:1:2: executing "output" at <and>: wrong number of args for and: want at least 1 got 0',
  }],
  ["{{eq 1}}", {
    error:
      'error executing template "{{eq 1}}": template: output:1:2: executing "output" at <eq 1>: error calling eq: missing argument for comparison',
  }],
  [
    '{{printf "%v|%+v|%#x|%08.3f|%-8d|%x|% d|%.2s|%5.1q|%c|%q" 1.5 .metadata 255 3.14159 7 "hé" 5 "héllo" "ab" 233 65}}',
    "1.5|map[creationTimestamp:<nil> labels:map[app:d] name:d]|0xff|0003.142|7       |68c3a9| 5|hé|  \"a\"|é|'A'",
  ],
  [
    '{{printf "%e %E %.3e %g %G %.3g %f %.0f %.1f" 123456.789 0.000123 1.0 1e21 1e-7 2.5 1e21 2.5 0.25}}',
    "1.234568e+05 1.230000E-04 1.000e+00 1e+21 1E-07 2.5 1000000000000000000000.000000 2 0.2",
  ],
  [
    '{{printf "%v %v %v %v %v" 100000.0 1234567.0 123456.7 0.0001 0.00001}}',
    "100000 1.234567e+06 123456.7 0.0001 1e-05",
  ],
  [
    '{{printf "%6.2f|%-6.2f|%+.1e|%x|%X|%o|%b|%#o|%#b" 3.14159 2.5 12345.678 -255 255 -8 5 8 5}}',
    "  3.14|2.50  |+1.2e+04|-ff|FF|-10|101|010|0b101",
  ],
  ['{{printf "%s|%10s|%-10s|" .kind .kind .kind}}', "Deployment|Deployment|Deployment|"],
  ['{{printf "%d%%" 50}}', "50%"],
  ['{{printf "%z" 1}}', "%!z(int=1)"],
  ['{{printf "%!" 1}}', "%!!(int=1)"],
  ['{{printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159}}', "    1|2   |3.14"],
  [
    '{{printf "%T %T %T %T %T %T" 1 1.5 "s" true .metadata .missing}}',
    "int float64 string bool map[string]interface {} <nil>",
  ],
  [
    '{{print .metadata}} {{print "a" 1 2 "b" true false}}',
    "map[creationTimestamp:<nil> labels:map[app:d] name:d] a1 2btrue false",
  ],
  ['{{println 1 "a" .kind}}', "1 a Deployment\n"],
  [
    '{{js "\\u2028 \\x01 ="}} {{html "\\"\'"}} {{urlquery "é/?=~"}}',
    "\\u2028 \\u0001 \\u003D &#34;&#39; %C3%A9%2F%3F%3D~",
  ],
  ['{{urlquery 1 2 "x"}} {{js 1 .missing}}', "1+2x 1\\u003Cno value\\u003E"],
  ['{{slice "abc" 1}} {{slice "abc" 3}} {{slice "abc" 2 1}}', {
    error:
      'error executing template "{{slice \\"abc\\" 1}} {{slice \\"abc\\" 3}} {{slice \\"abc\\" 2 1}}": template: output:1:38: executing "output" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1',
    partial: "bc  ",
  }],
  ['{{slice "abc" 4}}', {
    error:
      'error executing template "{{slice \\"abc\\" 4}}": template: output:1:2: executing "output" at <slice "abc" 4>: error calling slice: index out of range: 4',
  }],
  ['{{slice "abc" 1 2 3}}', {
    error:
      'error executing template "{{slice \\"abc\\" 1 2 3}}": template: output:1:2: executing "output" at <slice "abc" 1 2 3>: error calling slice: cannot 3-index slice a string',
  }],
  ['{{index "abc" 3}}', {
    error:
      'error executing template "{{index \\"abc\\" 3}}": template: output:1:2: executing "output" at <index "abc" 3>: error calling index: reflect: string index out of range',
  }],
  ["{{index .metadata 1}}", {
    error:
      'error executing template "{{index .metadata 1}}": template: output:1:2: executing "output" at <index .metadata 1>: error calling index: value has type int; should be string',
  }],
  ["{{index .metadata .missing}}", {
    error:
      'error executing template "{{index .metadata .missing}}": template: output:1:2: executing "output" at <index .metadata .missing>: error calling index: value is nil; should be of type string',
  }],
  ["{{index 3 1}}", {
    error:
      'error executing template "{{index 3 1}}": template: output:1:2: executing "output" at <index 3 1>: error calling index: can\'t index item of type int',
  }],
  ['{{index .metadata "name" 0}}', "100"],
  [
    '{{exists . "metadata" "name"}} {{exists . "metadata" "nope"}} {{exists . "metadata" "creationTimestamp"}} {{exists .metadata "name" 0}} {{exists . 1}}',
    "true false false true false",
  ],
  [
    '{{exists . "spec" "template" "spec" "containers" 0 "name"}} {{exists . "spec" "template" "spec" "containers" 1}}',
    "true false",
  ],
  ['{{base64decode "aGVsbG8="}} {{base64decode "aGVsbG8"}}', {
    error:
      'error executing template "{{base64decode \\"aGVsbG8=\\"}} {{base64decode \\"aGVsbG8\\"}}": template: output:1:30: executing "output" at <base64decode "aGVsbG8">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 4',
    partial: "hello ",
  }],
  ['{{base64decode "aGV=sbG8"}}', {
    error:
      'error executing template "{{base64decode \\"aGV=sbG8\\"}}": template: output:1:2: executing "output" at <base64decode "aGV=sbG8">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 4',
  }],
  ['{{base64decode "a"}}', {
    error:
      'error executing template "{{base64decode \\"a\\"}}": template: output:1:2: executing "output" at <base64decode "a">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0',
  }],
  ['{{base64decode "aGVsbA==x"}}', {
    error:
      'error executing template "{{base64decode \\"aGVsbA==x\\"}}": template: output:1:2: executing "output" at <base64decode "aGVsbA==x">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 8',
  }],
  ["{{base64decode 3}}", {
    error:
      'error executing template "{{base64decode 3}}": template: output:1:15: executing "output" at <3>: expected string; found 3',
  }],
  ["{{base64decode .metadata.creationTimestamp}}", {
    error:
      'error executing template "{{base64decode .metadata.creationTimestamp}}": template: output:1:24: executing "output" at <.metadata.creationTimestamp>: wrong type for value; expected string; got interface {}',
  }],
  ['{{base64decode "aGVs\\nbG8="}}', "hello"],
  [
    '{{and .kind .missing}}|{{and .missing .kind}}|{{or .missing .kind}}|{{or .missing ""}}|{{and 1 2 3}}|{{"x" | and 1}}|{{"" | or 0}}',
    "<no value>|<no value>|Deployment||3|x|",
  ],
  [
    '{{not .missing}} {{not .metadata}} {{not .status}} {{not ""}} {{not 0}} {{not 0.0}}',
    "true false true true true true",
  ],
  ["{{lt .missing 1}}", {
    error:
      'error executing template "{{lt .missing 1}}": template: output:1:2: executing "output" at <lt .missing 1>: error calling lt: invalid type for comparison',
  }],
  ["{{lt .metadata 1}}", {
    error:
      'error executing template "{{lt .metadata 1}}": template: output:1:2: executing "output" at <lt .metadata 1>: error calling lt: invalid type for comparison',
  }],
  ["{{lt true false}}", {
    error:
      'error executing template "{{lt true false}}": template: output:1:2: executing "output" at <lt true false>: error calling lt: invalid type for comparison',
  }],
  ['{{ge "b" "a"}} {{le 1.5 1.5}} {{gt 2 1}}', "true true true"],
  ['{{if and .metadata (eq .kind "ConfigMap" "Deployment")}}yes{{end}}', "yes"],
  ['{{if eq .kind "X"}}x{{else if ne .kind "Y"}}ne{{end}}', "ne"],
  [
    "{{range $i, $c := .spec.template.spec.containers}}{{$i}}:{{$c.image}}{{$c.missing}}{{end}}",
    "0:nginx<no value>",
  ],
  [
    "{{range .spec.template.spec.containers}}{{.name}} {{.resources}} {{$.kind}}{{end}}",
    "nginx map[] Deployment",
  ],
  ["{{with .spec}}{{.replicas}} {{$.metadata.name}}{{end}}", "3 d"],
  ["{{$r := .spec.replicas}}{{if $r}}{{$r}}{{end}}{{$r.x}}", {
    error:
      'error executing template "{{$r := .spec.replicas}}{{if $r}}{{$r}}{{end}}{{$r.x}}": template: output:1:50: executing "output" at <$r.x>: can\'t evaluate field x in type int64',
    partial: "3",
  }],
  ['{{.metadata.name | printf "%q" | printf "%s!"}}', '"d"!'],
  ['{{(print "a").x}}', {
    error:
      'error executing template "{{(print \\"a\\").x}}": template: output:1:9: executing "output" at <"a">: can\'t evaluate field x in type string',
  }],
  ["{{nil.x}}", {
    error: 'error parsing template {{nil.x}}, template: output:1: unexpected . after term "nil"',
  }],
  ["{{(nil).x}}", {
    error:
      'error executing template "{{(nil).x}}": template: output:1:3: executing "output" at <nil>: nil is not a command',
  }],
  ["{{.kind 1}}", {
    error:
      'error executing template "{{.kind 1}}": template: output:1:2: executing "output" at <.kind>: kind is not a method but has arguments',
  }],
  ["{{$ 1}}", {
    error:
      'error executing template "{{$ 1}}": template: output:1:2: executing "output" at <$>: can\'t give argument to non-function $',
  }],
  ["{{(1) 2}}", {
    error:
      'error executing template "{{(1) 2}}": template: output:1:2: executing "output" at <(1) 2>: can\'t give argument to non-function 1',
  }],
  ["{{1 | .kind}}", {
    error:
      'error executing template "{{1 | .kind}}": template: output:1:6: executing "output" at <.kind>: kind is not a method but has arguments',
  }],
  ['{{"\\q"}}', { error: 'error parsing template {{"\\q"}}, template: output:1: invalid syntax' }],
  ['{{"\\x4g"}}', {
    error: 'error parsing template {{"\\x4g"}}, template: output:1: invalid syntax',
  }],
  ['{{"\\u00e9\\101\\t"}}', "éA\t"],
  ["{{`raw\\n`}}", "raw\\n"],
  ["{{99999999999999999999}}", {
    error:
      'error parsing template {{99999999999999999999}}, template: output:1: integer overflow: "99999999999999999999"',
  }],
  ["{{1e400}}", {
    error: 'error parsing template {{1e400}}, template: output:1: illegal number syntax: "1e400"',
  }],
  ["{{0x}}", {
    error: 'error parsing template {{0x}}, template: output:1: illegal number syntax: "0x"',
  }],
  ["{{1.2.3}}", {
    error: 'error parsing template {{1.2.3}}, template: output:1: unexpected ".3" in operand',
  }],
  ["{{range .spec.template.spec.containers}}{{range .}}x{{end}}{{end}}", "xxx"],
  ["{{call .kind}}", {
    error:
      'error executing template "{{call .kind}}": template: output:1:2: executing "output" at <call .kind>: error calling call: non-function .kind of type string',
  }],
  ["{{call .missing}}", {
    error:
      'error executing template "{{call .missing}}": template: output:1:2: executing "output" at <call .missing>: error calling call: call of nil',
  }],
  [
    '{{printf "%v" .spec.template.spec.containers}} {{printf "%d" .metadata}}',
    "[map[image:nginx name:nginx resources:map[]]] map[%!d(string=creationTimestamp):<nil> %!d(string=labels):map[%!d(string=app):%!d(string=d)] %!d(string=name):%!d(string=d)]",
  ],
  [
    '{{printf "%s" .spec}}',
    "map[replicas:%!s(int64=3) selector:map[matchLabels:map[app:d]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:d]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]]",
  ],
  [
    "{{ .kind}}{{ $ }}",
    "Deploymentmap[apiVersion:apps/v1 kind:Deployment metadata:map[creationTimestamp:<nil> labels:map[app:d] name:d] spec:map[replicas:3 selector:map[matchLabels:map[app:d]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:d]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]] status:map[]]",
  ],
  ["{{range $x := .spec.template.spec.containers}}{{end}}{{$x}}", {
    error:
      'error parsing template {{range $x := .spec.template.spec.containers}}{{end}}{{$x}}, template: output:1: undefined variable "$x"',
  }],
  ["{{if .kind}}\n  {{- .kind}}\n{{- end}}\n", "Deployment\n"],
  ["é{{.kind.x}}", {
    error:
      'error executing template "é{{.kind.x}}": template: output:1:9: executing "output" at <.kind.x>: can\'t evaluate field x in type interface {}',
    partial: "é",
  }],
  ["a\nb{{.kind.x}}", {
    error:
      'error executing template "a\\nb{{.kind.x}}": template: output:2:8: executing "output" at <.kind.x>: can\'t evaluate field x in type interface {}',
    partial: "a\nb",
  }],
  ["{{\n.kind\n.x}}", {
    error:
      'error executing template "{{\\n.kind\\n.x}}": template: output:2:0: executing "output" at <.kind>: kind is not a method but has arguments',
  }],
  [
    '{{range $i, $c := .spec.template.spec.containers}}{{range $k, $v := $c}}{{if eq $k "resources"}}{{continue}}{{end}}{{$i}}{{$k}}={{$v}};{{end}}{{end}}',
    "0image=nginx;0name=nginx;",
  ],
  ["{{range .metadata.labels}}{{.}}{{break}}{{end}}", "d"],
  ["{{$x := 1}}{{range .metadata.labels}}{{$x = 2}}{{end}}{{$x}}", "2"],
  ["{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"],
  ["{{range $i, $e := .metadata.labels}}{{$i}}{{$e}}{{end}}", "appd"],
  [
    '{{printf "%v" .spec.template.spec.containers}}',
    "[map[image:nginx name:nginx resources:map[]]]",
  ],
  [
    '{{printf "%s" .spec.template.spec.containers}}',
    "[map[image:nginx name:nginx resources:map[]]]",
  ],
  ['{{printf "%q" .metadata.labels}}', 'map["app":"d"]'],
  ['{{printf "%5v|%-5v|" .metadata.labels .spec.replicas}}', "map[  app:    d]|3    |"],
  [
    '{{printf "%x %X %o %b %c %U %#U" .spec.replicas .spec.replicas .spec.replicas .spec.replicas 9731 9731 9731}}',
    "3 3 3 11 ☃ U+2603 U+2603 '☃'",
  ],
  ["{{range .spec.template.spec.containers}}{{.name.x}}{{end}}", {
    error:
      'error executing template "{{range .spec.template.spec.containers}}{{.name.x}}{{end}}": template: output:1:47: executing "output" at <.name.x>: can\'t evaluate field x in type interface {}',
  }],
  ['{{with .spec.template.spec.containers}}{{index . 0 "name"}}{{end}}', "nginx"],
  ["{{range $i, $e := .spec.template.spec.containers}}{{$e.x.y}}{{end}}", "<no value>"],
  ["{{(index .spec.template.spec.containers 0).name}}", "nginx"],
  ["{{(index .spec.template.spec.containers 0).name.x}}", {
    error:
      'error executing template "{{(index .spec.template.spec.containers 0).name.x}}": template: output:1:40: executing "output" at <0>: can\'t evaluate field x in type interface {}',
  }],
  [
    "{{len .spec.template.spec.containers}} {{len .metadata}} {{slice .spec.template.spec.containers 0 1}}",
    "1 3 [map[image:nginx name:nginx resources:map[]]]",
  ],
  ['{{if not (exists . "spec" "paused")}}notpaused{{end}}', "notpaused"],
  ['{{.spec.replicas | printf "%03d"}}', "003"],
  ["{{lt .spec.replicas 5}} {{gt .spec.replicas 5}}", "true false"],
  ["{{eq .spec.replicas 3 4}} {{ne .spec.replicas 3}}", "true false"],
  ['{{index .metadata.labels "app" | len}}', "1"],
  ["{{- range .metadata.labels }}\n  x {{ . }}\n{{- end }}\n", "\n  x d\n"],
  [
    "{{range $i, $e := .spec.template.spec.containers}}{{if $i}},{{end}}{{$e.name}}{{end}}",
    "nginx",
  ],
  [
    "{{$}}",
    "map[apiVersion:apps/v1 kind:Deployment metadata:map[creationTimestamp:<nil> labels:map[app:d] name:d] spec:map[replicas:3 selector:map[matchLabels:map[app:d]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:d]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]] status:map[]]",
  ],
  ["{{$.spec.replicas}}", "3"],
  ['{{template "t"}}{{define "t"}}{{.}}{{end}}', "<no value>"],
  ['{{define "t"}}{{$}}{{end}}{{template "t" 5}}', "5"],
  [
    '{{printf "%.3s|%.0d|%+.2e|%08.3f|%-08d|" "abcdef" 0 1234.5 -3.14159 5}}',
    "abc||+1.23e+03|-003.142|5       |",
  ],
  ['{{printf "%t %t" 1 .missing}}', "%!t(int=1) %!t(<nil>)"],
  ['{{printf "%s" true}}', "%!s(bool=true)"],
  ['{{printf "%6.2v" 3.14159}}', "   3.1"],
  ['{{printf "%g %G %e" 100000000.0 1e-10 0.0}}', "1e+08 1E-10 0.000000e+00"],
  ["{{print .missing .kind}}{{print 3 .missing}}", "<nil>Deployment3 <nil>"],
  [
    "{{urlquery .metadata}}",
    "map%5BcreationTimestamp%3A%3Cnil%3E+labels%3Amap%5Bapp%3Ad%5D+name%3Ad%5D",
  ],
  ["{{js .metadata.labels}}", "map[app:d]"],
  ["{{html .spec.replicas}}", "3"],
  ['{{ .kind | printf "%s" | printf "[%s]" | len }}', "12"],
  ["{{range .spec.template.spec.containers}}{{$.kind}}{{.image}}{{end}}", "Deploymentnginx"],
  ["{{with $x := .spec.replicas}}{{$x}}{{.}}{{end}}", "33"],
  ["{{range $x := .spec.template.spec.containers}}{{$x.name}}{{end}}", "nginx"],
  ["{{$a := .spec}}{{$a.replicas}}{{$a.nope.x}}", "3<no value>"],
  ['{{index . "spec" "replicas"}}', "3"],
  ["{{index .spec.template.spec.containers -1}}", {
    error:
      'error executing template "{{index .spec.template.spec.containers -1}}": template: output:1:2: executing "output" at <index .spec.template.spec.containers -1>: error calling index: index out of range: -1',
  }],
  ["{{index .spec.template.spec.containers 1}}", {
    error:
      'error executing template "{{index .spec.template.spec.containers 1}}": template: output:1:2: executing "output" at <index .spec.template.spec.containers 1>: error calling index: reflect: slice index out of range',
  }],
  ["{{slice .spec.template.spec.containers 2}}", {
    error:
      'error executing template "{{slice .spec.template.spec.containers 2}}": template: output:1:2: executing "output" at <slice .spec.template.spec.containers 2>: error calling slice: index out of range: 2',
  }],
  ["{{slice .kind 1 0}}", {
    error:
      'error executing template "{{slice .kind 1 0}}": template: output:1:2: executing "output" at <slice .kind 1 0>: error calling slice: invalid slice index: 1 > 0',
  }],
  ["{{slice .kind -1}}", {
    error:
      'error executing template "{{slice .kind -1}}": template: output:1:2: executing "output" at <slice .kind -1>: error calling slice: index out of range: -1',
  }],
  ["{{not}}", {
    error:
      'error executing template "{{not}}": template: output:1:2: executing "output" at <not>: wrong number of args for not: want 1 got 0',
  }],
  ["{{and 1}}", "1"],
  ["{{or}}", {
    error:
      'error executing template "{{or}}": template: output:1:2: executing "output" at <or>: wrong number of args for or: want at least 1 got 0',
  }],
  ["{{eq}}", {
    error:
      'error executing template "{{eq}}": template: output:1:2: executing "output" at <eq>: wrong number of args for eq: want at least 1 got 0',
  }],
  ["{{lt 1}}", {
    error:
      'error executing template "{{lt 1}}": template: output:1:2: executing "output" at <lt>: wrong number of args for lt: want 2 got 1',
  }],
  ['{{printf "%d" 1.5 | len}}', "16"],
  ["{{3 | not}}", "false"],
  ["{{true | and false}}", "false"],
];

/** Runs one template as the printer does; returns the output or the error and partial output. */
function run(template: string, obj: unknown = DEPLOYMENT): Expected {
  try {
    return goTemplatePrinter(template)(obj);
  } catch (e) {
    assert.ok(e instanceof PrintError, String(e));
    const output = (e as { output?: string }).output ?? "";
    const partial = output.slice(0, output.indexOf("Error executing template:"));
    return partial ? { error: e.message, partial } : { error: e.message };
  }
}

/** The error `f` throws. */
function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("no error thrown");
}

Deno.test("go templates render as kubectl v1.32 does", async (t) => {
  for (const [template, expected] of CASES) {
    await t.step(template.replace(/\n/g, "\\n"), () => {
      assert.deepEqual(run(template), expected);
    });
  }
});

Deno.test("an execution error carries kubectl's stdout: partial output, then the debug block", () => {
  const obj = { kind: "ConfigMap", data: { a: "1" } };
  const err = caught(() => goTemplatePrinter("x{{.kind.x}}")(obj));
  assert.ok(err instanceof PrintError);
  assert.equal(
    (err as unknown as { output: string }).output,
    'xError executing template: template: output:1:8: executing "output" at <.kind.x>: ' +
      "can't evaluate field x in type interface {}. Printing more information for debugging " +
      "the template:\n\ttemplate was:\n\t\tx{{.kind.x}}\n\traw data was:\n\t\t" +
      '{"data":{"a":"1"},"kind":"ConfigMap"}\n\tobject given to template engine was:\n\t\t' +
      "map[data:map[a:1] kind:ConfigMap]\n\n",
  );
});

Deno.test("the debug block's raw data of a typed object is in its Go fields' order", () => {
  // What `create configmap x --from-literal=a=1 --dry-run=client` builds: a Go ConfigMap, which
  // json.Marshal prints kind, apiVersion, metadata, data; kubectl 1.32's stdout, byte for byte.
  const cm = {
    apiVersion: "v1",
    data: { b: "2", a: "1" },
    kind: "ConfigMap",
    metadata: { creationTimestamp: null, name: "x" },
  };
  const err = caught(() => goTemplatePrinter("{{.kind.foo}}")(cm));
  assert.ok(err instanceof GoTemplateExecPrintError);
  assert.equal(
    err.output,
    'Error executing template: template: output:1:7: executing "output" at <.kind.foo>: ' +
      "can't evaluate field foo in type interface {}. Printing more information for debugging " +
      "the template:\n\ttemplate was:\n\t\t{{.kind.foo}}\n\traw data was:\n\t\t" +
      '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},' +
      '"data":{"a":"1","b":"2"}}\n\tobject given to template engine was:\n\t\t' +
      "map[apiVersion:v1 data:map[a:1 b:2] kind:ConfigMap metadata:map[creationTimestamp:<nil> " +
      "name:x]]\n\n",
  );
});

Deno.test("parse and exec errors have Go's messages and lines", () => {
  const parseError = (text: string) => {
    const e = caught(() => parseGoTemplate(text));
    assert.ok(e instanceof TemplateParseError);
    return (e as Error).message;
  };
  assert.equal(
    parseError("a\n{{.x\n"),
    "template: output:3: unclosed action started at output:2",
  );
  assert.equal(
    parseError("a\n{{.x\n\n"),
    "template: output:4: unclosed action started at output:2",
  );
  assert.equal(parseError("{{if .a}}\n{{end"), "template: output:2: unclosed action");
  assert.equal(parseGoTemplate('{{printf "%s"\n"x" | }}').execute({}), "x");
  assert.equal(parseError("{{range .a}}"), "template: output:1: unexpected EOF");
  assert.equal(parseError("{{$x}}"), 'template: output:1: undefined variable "$x"');
  assert.equal(parseError("{{toJson .}}"), 'template: output:1: function "toJson" not defined');
  assert.equal(parseError("{{break}}"), "template: output:1: {{break}} outside {{range}}");
  assert.equal(
    parseError("{{.a | 3}}"),
    "template: output:1: non executable command in pipeline stage 2",
  );
  assert.equal(
    parseGoTemplate("{{.a}}", { name: "other" }).execute(toGoValue({ a: 1 })),
    "1",
  );
  const e = caught(() => parseGoTemplate("a\n é{{.x.y}}").execute(toGoValue({ x: "s" })));
  assert.ok(e instanceof TemplateExecError);
  // Columns count bytes, as in Go.
  assert.equal(
    (e as Error).message,
    'template: output:2:7: executing "output" at <.x.y>: can\'t evaluate field y in type interface {}',
  );
});

Deno.test("missingkey=error, as --allow-missing-template-keys=false makes it", () => {
  const p = goTemplatePrinter("{{.a.b}}", { allowMissingKeys: false });
  assert.equal(p({ a: { b: 1 } }), "1");
  assert.throws(
    () => p({ a: {} }),
    {
      message: 'error executing template "{{.a.b}}": template: output:1:4: executing "output" ' +
        'at <.a.b>: map has no entry for key "b"',
    },
  );
});

Deno.test("JSON numbers: integers are int64, others float64", () => {
  assert.deepEqual(toGoValue({ a: [1, 1.5, null] }), { a: [new GoInt(1, "int64"), 1.5, null] });
  const p = goTemplatePrinter('{{.i}} {{.f}} {{printf "%d %v %T %T" .i .f .i .f}} {{.big}}');
  assert.equal(
    p({ i: 3, f: 0.25, big: 1e21 }),
    "3 0.25 3 0.25 int64 float64 1e+21",
  );
});

Deno.test("Go's number formatting", () => {
  assert.equal(formatFloat(1e6, "g", -1), "1e+06");
  assert.equal(formatFloat(123456, "g", -1), "123456");
  assert.equal(formatFloat(0.0001, "g", -1), "0.0001");
  assert.equal(formatFloat(0.00001, "g", -1), "1e-05");
  assert.equal(formatFloat(2.5, "f", 0), "2");
  assert.equal(formatFloat(3.5, "f", 0), "4");
  assert.equal(formatFloat(0.125, "f", 2), "0.12");
  assert.equal(formatFloat(1e21, "f", 1), "1000000000000000000000.0");
  assert.equal(formatFloat(-1.5, "e", 3), "-1.500e+00");
  assert.equal(formatFloat(0, "e", -1), "0e+00");
  assert.equal(formatFloat(123.456, "g", 4), "123.5");
  assert.equal(
    sprintf("%5.2f|%-6s|%06d|%x|%q", [3.14159, "ab", new GoInt(-42, "int"), "hi", "a\nb"]),
    ' 3.14|ab    |-00042|6869|"a\\nb"',
  );
  assert.equal(sprintf("%d %s", [new GoInt(1, "int")]), "1 %!s(MISSING)");
  assert.equal(sprintf("%d", [new GoInt(1, "int"), "x"]), "1%!(EXTRA string=x)");
  assert.equal(goQuote("tab\there\u0001é"), '"tab\\there\\x01é"');
});

Deno.test("base64decode is Go's StdEncoding", () => {
  assert.equal(base64Decode("aGVsbG8="), "hello");
  assert.equal(base64Decode("aGVs\nbG8="), "hello");
  assert.equal(base64Decode(""), "");
  assert.throws(() => base64Decode("aGVsbG8"), { message: "illegal base64 data at input byte 4" });
  assert.throws(() => base64Decode("a$=="), { message: "illegal base64 data at input byte 1" });
  assert.throws(() => base64Decode("aGVsbA==x"), {
    message: "illegal base64 data at input byte 8",
  });
});

Deno.test("printObjects: go-template, go-template-file, template, templatefile and --template", async () => {
  const cm = (name: string) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, creationTimestamp: "2024-01-01T00:00:00Z" },
    data: { a: "1" },
  });
  const kindOf = () => ConfigMap;
  const files: Record<string, string> = {
    "/t.tmpl": "{{range .items}}<{{.metadata.name}}>{{end}}",
  };
  const readFile = (p: string) => {
    if (p in files) return files[p];
    throw new Deno.errors.NotFound(p);
  };
  const objs = [cm("a"), cm("b")];
  const list = "{{.kind}}:{{range .items}}{{.metadata.name}},{{end}}";
  assert.equal(await printObjects(objs, { kindOf, output: `go-template=${list}` }), "List:a,b,");
  assert.equal(await printObjects(objs, { kindOf, output: `template=${list}` }), "List:a,b,");
  assert.equal(
    await printObjects([cm("a")], {
      kindOf,
      output: "go-template={{.metadata.name}}",
      singleItemImplied: true,
    }),
    "a",
  );
  assert.equal(
    await printObjects(objs, { kindOf, output: "go-template-file=/t.tmpl", readFile }),
    "<a><b>",
  );
  assert.equal(
    await printObjects(objs, { kindOf, output: "templatefile=/t.tmpl", readFile }),
    "<a><b>",
  );
  assert.equal(await printObjects(objs, { kindOf, template: list }), "List:a,b,");
  assert.equal(
    await printObjects(objs, { kindOf, output: "go-template", template: list }),
    "List:a,b,",
  );
  assert.equal(
    await printObjects(objs, { kindOf, output: "go-template-file", template: "/t.tmpl", readFile }),
    "<a><b>",
  );
  assert.equal(
    await printObjects(objs, { kindOf, output: "jsonpath", template: "{.items[1].metadata.name}" }),
    "b",
  );
  // The objects sort before the template runs.
  assert.equal(
    await printObjects(objs, { kindOf, output: `go-template=${list}`, sortBy: "{.metadata.name}" }),
    "List:a,b,",
  );
  const fails = (output: string, message: string, template?: string) =>
    assert.rejects(printObjects(objs, { kindOf, output, template, readFile }), (e: unknown) => {
      assert.ok(e instanceof PrintError);
      assert.equal(e.message, message);
      return true;
    });
  await fails("go-template", "template format specified but no template given");
  await fails("go-template=", "template format specified but no template given");
  await fails("templatefile=", "template format specified but no template given");
  await fails(
    "go-template-file=/nope",
    "error reading --template /nope, open /nope: no such file or directory",
  );
  await fails(
    "go-template={{.x",
    "error parsing template {{.x, template: output:1: unclosed action",
  );
  await fails(
    "go-template={{.items.x}}",
    'error executing template "{{.items.x}}": template: output:1:8: executing "output" at ' +
      "<.items.x>: can't evaluate field x in type interface {}",
  );
  await fails(
    "go-template=x",
    'unable to match a printer suitable for the output format "go-template=x", allowed formats ' +
      "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath," +
      "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml",
    "y",
  );
});
