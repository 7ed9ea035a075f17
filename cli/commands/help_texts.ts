/**
 * kubectl 1.32's help texts for the standard verbs whose modules do not carry
 * their own (`long`, examples, usage and each flag's default and words), and
 * the subcommands `--help` lists: `create configmap`, `config view`, `apply
 * view-last-applied`, `plugin list`. Where k1s does something of its own the
 * words are k1s's, in kubectl's style. {@linkcode withHelpTexts} merges them
 * into a loaded command; what a command says itself wins.
 *
 * @module
 */
import type { FlagsConfig, FlagSpec } from "../flags.ts";
import type { Command, CommandDoc } from "../kit.ts";

/** The help of one command path: kubectl's words, or k1s's where it differs. */
interface HelpText {
  summary?: string;
  long?: string;
  examples?: string;
  usage?: string;
  aliases?: string[];
  /** Flag → [the default as `--help` prints it, the description]. */
  flags?: Record<string, [string | null, string]>;
  /** The flags of the command's own options it takes (the rest belong to its subcommands). */
  options?: string[];
  /** The paths of its subcommands, in `--help`'s order. */
  subcommands?: string[];
  /** False for a subcommand that only reads. */
  mutates?: boolean;
}

/** Flag texts several commands share, as kubectl words them. */
const OUTPUT: [string | null, string] = [
  "''",
  "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).",
];
const VALIDATE: [string | null, string] = [
  "'strict'",
  'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.',
];
const SELECTOR: [string | null, string] = [
  "''",
  "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
];
const DRY_RUN: [string | null, string] = [
  "'none'",
  'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.',
];
const RECURSIVE: [string | null, string] = [
  "false",
  "Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.",
];
const SAVE_CONFIG: [string | null, string] = [
  "false",
  "If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform k1s apply on this object in the future.",
];
const APPEND_HASH: [string | null, string] = ["false", "Append a hash of the secret to its name."];

const TEXTS: Record<string, HelpText> = {
  "edit": {
    summary: "Edit a resource on the server",
    long:
      "Edit a resource from the default editor.\n\n The edit command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to 'vi' for Linux or 'notepad' for Windows. When attempting to open the editor, it will first attempt to use the shell that has been defined in the 'SHELL' environment variable. If this is not defined, the default shell will be used, which is '/bin/bash' for Linux or 'cmd' for Windows.\n\n You can edit multiple objects, although changes are applied one at a time. The command accepts file names as well as command-line arguments, although the files you point to must be previously saved versions of resources.\n\n Editing is done with the API version used to fetch the resource. To edit using a specific API version, fully-qualify the resource, version, and group.\n\n The default format is YAML. To edit in JSON, specify \"-o json\".\n\n The flag --windows-line-endings can be used to force Windows line endings, otherwise the default for your operating system will be used.\n\n In the event an error occurs while updating, a temporary file will be created on disk that contains your unapplied changes. The most common error when updating a resource is another editor changing the resource on the server. When this occurs, you will have to apply your changes to the newer version of the resource, or update your temporary saved copy to include the latest resource version.",
    examples:
      "# Edit the config map named 'settings'\nk1s edit configmap/settings\n\n# Use an alternative editor\nKUBE_EDITOR=\"nano\" k1s edit configmap/settings\n\n# Edit the secret 'app' in JSON\nk1s edit secret/app -o json",
    usage: "edit (RESOURCE/NAME | -f FILENAME)",
    flags: {
      "output": OUTPUT,
      "output-patch": ["false", "Output the patch if the resource is edited."],
      "validate": VALIDATE,
    },
  },
  "delete": {
    summary:
      "Delete resources by file names, stdin, resources and names, or by resources and label selector",
    long:
      "Delete resources by file names, stdin, resources and names, or by resources and label selector.\n\n JSON and YAML formats are accepted. Only one type of argument may be specified: file names, resources and names, or resources and label selector.\n\n Some resources, such as pods, support graceful deletion. These resources define a default period before they are forcibly terminated (the grace period) but you may override that value with the --grace-period flag, or pass --now to set a grace-period of 1. Because these resources often represent entities in the cluster, deletion may not be acknowledged immediately. If the node hosting a pod is down or cannot reach the API server, termination may take significantly longer than the grace period. To force delete a resource, you must specify the --force flag. Note: only a subset of resources support graceful deletion. In absence of the support, the --grace-period flag is ignored.\n\n IMPORTANT: Force deleting pods does not wait for confirmation that the pod's processes have been terminated, which can leave those processes running until the node detects the deletion and completes graceful deletion. If your processes use shared storage or talk to a remote API and depend on the name of the pod to identify themselves, force deleting those pods may result in multiple processes running on different machines using the same identification which may lead to data corruption or inconsistency. Only force delete pods when you are sure the pod is terminated, or if your application can tolerate multiple copies of the same pod running at once. Also, if you force delete pods, the scheduler may place new pods on those nodes before the node has released those resources and causing those pods to be evicted immediately.\n\n Note that the delete command does NOT do resource version checks, so if someone submits an update to a resource right when you submit a delete, their update will be lost along with the rest of the resource.\n\n After a CustomResourceDefinition is deleted, invalidation of discovery cache may take up to 6 hours. If you don't want to wait, you might want to run \"k1s api-resources\" to refresh the discovery cache.",
    examples:
      "# Delete a configmap using the type and name specified in configmap.json\nk1s delete -f ./configmap.json\n\n# Delete a configmap based on the type and name in the JSON passed into stdin\ncat configmap.json | k1s delete -f -\n\n# Delete a configmap with minimal delay\nk1s delete configmap foo --now\n\n# Delete all configmaps\nk1s delete configmaps --all",
    usage: "delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)])",
    flags: {
      "selector": SELECTOR,
      "all": ["false", "Delete all resources, in the namespace of the specified resource types."],
      "all-namespaces": [
        "false",
        "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.",
      ],
      "cascade": [
        "'background'",
        'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.',
      ],
      "grace-period": [
        "-1",
        "Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).",
      ],
      "force": [
        "false",
        "If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.",
      ],
      "now": [
        "false",
        "If true, resources are signaled for immediate shutdown (same as --grace-period=1).",
      ],
      "output": ["''", 'Output mode. Use "-o name" for shorter output (resource/name).'],
      "ignore-not-found": [
        "false",
        'Treat "resource not found" as a successful delete. Defaults to "true" when --all is specified.',
      ],
      "dry-run": DRY_RUN,
      "wait": [
        "true",
        "If true, wait for resources to be gone before returning. This waits for finalizers.",
      ],
      "timeout": [
        "0s",
        "The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object",
      ],
      "filename": ["[]", "containing the resource to delete."],
      "recursive": RECURSIVE,
    },
  },
  "patch": {
    summary: "Update fields of a resource",
    long:
      "Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.\n\n JSON and YAML formats are accepted.\n\n Note: Strategic merge patch is not supported for custom resources.",
    examples:
      '# Partially update a config map using a strategic merge patch, specifying the patch as JSON\nk1s patch configmap settings -p \'{"data":{"mode":"fast"}}\'\n\n# Partially update a config map identified by the type and name specified in "cm.json" using strategic merge patch\nk1s patch -f cm.json -p \'{"data":{"mode":"fast"}}\'\n\n# Update a key with a JSON patch with positional arrays\nk1s patch configmap settings --type=\'json\' -p=\'[{"op": "replace", "path": "/data/mode", "value":"slow"}]\'\n\n# Remove a key with a merge patch\nk1s patch configmap settings --type=merge -p \'{"data":{"mode":null}}\'',
    usage: "patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
    flags: {
      "patch": ["''", "The patch to be applied to the resource JSON file."],
      "patch-file": ["''", "A file containing a patch to be applied to the resource."],
      "type": ["'strategic'", "The type of patch being provided; one of [json merge strategic]"],
      "dry-run": DRY_RUN,
      "subresource": [
        "''",
        "If specified, patch will operate on the subresource of the requested object. This flag is beta and may change in the future.",
      ],
      "output": OUTPUT,
      "filename": ["[]", "Filename, directory, or URL to files identifying the resource to update"],
      "recursive": RECURSIVE,
      "local": [
        "false",
        "If true, patch will operate on the content of the file, not the server-side resource.",
      ],
    },
  },
  "wait": {
    summary: "Experimental: Wait for a specific condition on one or many resources",
    long:
      'Experimental: Wait for a specific condition on one or many resources.\n\n The command takes multiple resources and waits until the specified condition is seen in the Status field of every given resource.\n\n Alternatively, the command can wait for the given set of resources to be created or deleted by providing the "create" or "delete" keyword as the value to the --for flag.\n\n A successful message will be printed to stdout indicating when the specified condition has been met. You can use -o option to change to output destination.',
    examples:
      '# Wait for the CustomResourceDefinition "widgets.example.com" to be established\nk1s wait --for=condition=Established crd/widgets.example.com\n\n# Wait for the config map "settings" to have the value "fast" under data.mode\nk1s wait --for=jsonpath=\'{.data.mode}\'=fast configmap/settings\n\n# Wait for the secret "busybox1" to be created, with a timeout of 30s\nk1s create secret generic busybox1\nk1s wait --for=create secret/busybox1 --timeout=30s\n\n# Wait for the configmap "busybox1" to be deleted, with a timeout of 60s, after having issued the "delete" command\nk1s delete configmap/busybox1\nk1s wait --for=delete configmap/busybox1 --timeout=60s',
    usage:
      "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
    flags: {
      "for": [
        "''",
        "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true. Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity.",
      ],
      "timeout": [
        "30s",
        "The length of time to wait before giving up. Zero means check once and don't wait, negative means wait for a week.",
      ],
      "selector": [
        "''",
        "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2)",
      ],
      "field-selector": [
        "''",
        "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.",
      ],
      "all": ["false", "Select all resources in the namespace of the specified resource types"],
      "all-namespaces": [
        "false",
        "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.",
      ],
      "output": OUTPUT,
    },
  },
  "label": {
    summary: "Update the labels on a resource",
    long:
      "Update the labels on a resource.\n\n  *  A label key and value must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters each.\n  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.\n  *  If --overwrite is true, then existing labels can be overwritten, otherwise attempting to overwrite a label will result in an error.\n  *  If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used.",
    examples:
      "# Update configmap 'foo' with the label 'unhealthy' and the value 'true'\nk1s label configmaps foo unhealthy=true\n\n# Update configmap 'foo' with the label 'status' and the value 'unhealthy', overwriting any existing value\nk1s label --overwrite configmaps foo status=unhealthy\n\n# Update all configmaps in the namespace\nk1s label configmaps --all status=unhealthy\n\n# Update a configmap identified by the type and name in \"configmap.json\"\nk1s label -f configmap.json status=unhealthy\n\n# Update configmap 'foo' only if the resource is unchanged from version 1\nk1s label configmaps foo status=unhealthy --resource-version=1\n\n# Update configmap 'foo' by removing a label named 'bar' if it exists\n# Does not require the --overwrite flag\nk1s label configmaps foo bar-",
    usage:
      "label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
    flags: {
      "overwrite": [
        "false",
        "If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.",
      ],
      "all": ["false", "Select all resources, in the namespace of the specified resource types"],
      "all-namespaces": ["false", "If true, check the specified action in all namespaces."],
      "selector": SELECTOR,
      "list": ["false", "If true, display the labels for a given resource."],
      "dry-run": DRY_RUN,
      "resource-version": [
        "''",
        "If non-empty, the labels update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.",
      ],
      "output": OUTPUT,
      "filename": [
        "[]",
        "Filename, directory, or URL to files identifying the resource to update the labels",
      ],
      "recursive": RECURSIVE,
      "local": ["false", "If true, label will NOT contact api-server but run locally."],
    },
  },
  "annotate": {
    summary: "Update the annotations on a resource",
    long:
      'Update the annotations on one or more resources.\n\n All Kubernetes objects support the ability to store additional data with the object as annotations. Annotations are key/value pairs that can be larger than labels and include arbitrary string values such as structured JSON. Tools and system extensions may use annotations to store their own data.\n\n Attempting to set an annotation that already exists will fail unless --overwrite is set. If --resource-version is specified and does not match the current resource version on the server the command will fail.\n\nUse "k1s api-resources" for a complete list of supported resources.',
    examples:
      "# Update config map 'foo' with the annotation 'description' and the value 'my frontend'\n# If the same annotation is set multiple times, only the last value will be applied\nk1s annotate configmaps foo description='my frontend'\n\n# Update a config map identified by type and name in \"cm.json\"\nk1s annotate -f cm.json description='my frontend'\n\n# Update config map 'foo' with the annotation 'description' and the value 'my frontend running web', overwriting any existing value\nk1s annotate --overwrite configmaps foo description='my frontend running web'\n\n# Update all config maps in the namespace\nk1s annotate configmaps --all description='my frontend running web'\n\n# Update config map 'foo' only if the resource is unchanged from version 1\nk1s annotate configmaps foo description='my frontend running web' --resource-version=1\n\n# Update config map 'foo' by removing an annotation named 'description' if it exists\n# Does not require the --overwrite flag\nk1s annotate configmaps foo description-",
    usage:
      "annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
    flags: {
      "overwrite": [
        "false",
        "If true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing annotations.",
      ],
      "all": ["false", "Select all resources, in the namespace of the specified resource types."],
      "all-namespaces": ["false", "If true, check the specified action in all namespaces."],
      "selector": SELECTOR,
      "list": ["false", "If true, display the annotations for a given resource."],
      "dry-run": DRY_RUN,
      "resource-version": [
        "''",
        "If non-empty, the annotation update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.",
      ],
      "output": OUTPUT,
      "filename": [
        "[]",
        "Filename, directory, or URL to files identifying the resource to update the annotation",
      ],
      "recursive": RECURSIVE,
      "local": ["false", "If true, annotation will NOT contact api-server but run locally."],
    },
  },
  "create": {
    summary: "Create a resource from a file or from stdin",
    long: "Create a resource from a file or from stdin.\n\n JSON and YAML formats are accepted.",
    examples:
      "# Create a configmap using the data in configmap.json\nk1s create -f ./configmap.json\n\n# Create a configmap based on the JSON passed into stdin\ncat configmap.json | k1s create -f -",
    usage: "create -f FILENAME",
    flags: {
      "dry-run": DRY_RUN,
      "filename": ["[]", "Filename, directory, or URL to files to use to create the resource"],
      "output": OUTPUT,
      "recursive": RECURSIVE,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "dry-run",
      "filename",
      "output",
      "recursive",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
    subcommands: ["create namespace", "create configmap", "create secret", "create serviceaccount"],
  },
  "create namespace": {
    summary: "Create a namespace with the specified name",
    long: "Create a namespace with the specified name.",
    examples: "# Create a new namespace named my-namespace\nk1s create namespace my-namespace",
    usage: "create namespace NAME [--dry-run=server|client|none]",
    aliases: ["ns"],
    flags: {
      "dry-run": DRY_RUN,
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "dry-run",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
  },
  "create configmap": {
    summary: "Create a config map from a local file, directory or literal value",
    long:
      "Create a config map based on a file, directory, or specified literal value.\n\n A single config map may package one or more key/value pairs.\n\n When creating a config map based on a file, the key will default to the basename of the file, and the value will default to the file content.  If the basename is an invalid key, you may specify an alternate key.\n\n When creating a config map based on a directory, each file whose basename is a valid key in the directory will be packaged into the config map.  Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).",
    examples:
      "# Create a new config map named my-config based on folder bar\nk1s create configmap my-config --from-file=path/to/bar\n\n# Create a new config map named my-config with specified keys instead of file basenames on disk\nk1s create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt\n\n# Create a new config map named my-config with key1=config1 and key2=config2\nk1s create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2\n\n# Create a new config map named my-config from the key=value pairs in the file\nk1s create configmap my-config --from-file=path/to/bar\n\n# Create a new config map named my-config from an env file\nk1s create configmap my-config --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env",
    usage:
      "create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
    aliases: ["cm"],
    flags: {
      "append-hash": ["false", "Append a hash of the configmap to its name."],
      "dry-run": DRY_RUN,
      "from-env-file": [
        "[]",
        "Specify the path to a file to read lines of key=val pairs to create a configmap.",
      ],
      "from-file": [
        "[]",
        "Key file can be specified using its file path, in which case file basename will be used as configmap key, or optionally with a key and file path, in which case the given key will be used.  Specifying a directory will iterate each named file in the directory whose basename is a valid configmap key.",
      ],
      "from-literal": [
        "[]",
        "Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)",
      ],
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "append-hash",
      "dry-run",
      "from-env-file",
      "from-file",
      "from-literal",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
  },
  "create serviceaccount": {
    summary: "Create a service account with the specified name",
    long: "Create a service account with the specified name.",
    examples:
      "# Create a new service account named my-service-account\nk1s create serviceaccount my-service-account",
    usage: "create serviceaccount NAME [--dry-run=server|client|none]",
    aliases: ["sa"],
    flags: {
      "dry-run": DRY_RUN,
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "dry-run",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
  },
  "create secret": {
    summary: "Create a secret using a specified subcommand",
    long:
      "Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds TLS certificate and its associated key.",
    usage: "create secret (docker-registry | generic | tls)",
    options: [],
    subcommands: ["create secret docker-registry", "create secret generic", "create secret tls"],
  },
  "create secret docker-registry": {
    summary: "Create a secret for use with a Docker registry",
    long:
      "Create a new secret for use with Docker registries.\n        \n        Dockercfg secrets are used to authenticate against Docker registries.\n        \n        When using the Docker command line to push images, you can authenticate to a given registry by running:\n        '$ docker login DOCKER_REGISTRY_SERVER --username=DOCKER_USER --password=DOCKER_PASSWORD --email=DOCKER_EMAIL'.\n        \n That produces a ~/.dockercfg file that is used by subsequent 'docker push' and 'docker pull' commands to authenticate to the registry. The email address is optional.\n\n        When creating applications, you may have a Docker registry that requires authentication.  In order for the\n        nodes to pull images on your behalf, they must have the credentials.  You can provide this information\n        by creating a dockercfg secret and attaching it to your service account.",
    examples:
      "# If you do not already have a .dockercfg file, create a dockercfg secret directly\nk1s create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL\n\n# Create a new secret named my-secret from ~/.docker/config.json\nk1s create secret docker-registry my-secret --from-file=path/to/.docker/config.json",
    usage:
      "create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]",
    flags: {
      "append-hash": APPEND_HASH,
      "docker-email": ["''", "Email for Docker registry"],
      "docker-password": ["''", "Password for Docker registry authentication"],
      "docker-server": ["'https://index.docker.io/v1/'", "Server location for Docker registry"],
      "docker-username": ["''", "Username for Docker registry authentication"],
      "dry-run": DRY_RUN,
      "from-file": [
        "[]",
        "Key files can be specified using their file path, in which case a default name of .dockerconfigjson will be given to them, or optionally with a name and file path, in which case the given name will be used. Specifying a directory will iterate each named file in the directory that is a valid secret key. For this command, the key should always be .dockerconfigjson.",
      ],
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "append-hash",
      "docker-email",
      "docker-password",
      "docker-server",
      "docker-username",
      "dry-run",
      "from-file",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
  },
  "create secret generic": {
    summary: "Create a secret from a local file, directory, or literal value",
    long:
      "Create a secret based on a file, directory, or specified literal value.\n\n A single secret may package one or more key/value pairs.\n\n When creating a secret based on a file, the key will default to the basename of the file, and the value will default to the file content. If the basename is an invalid key or you wish to chose your own, you may specify an alternate key.\n\n When creating a secret based on a directory, each file whose basename is a valid key in the directory will be packaged into the secret. Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).",
    examples:
      "# Create a new secret named my-secret with keys for each file in folder bar\nk1s create secret generic my-secret --from-file=path/to/bar\n\n# Create a new secret named my-secret with specified keys instead of names on disk\nk1s create secret generic my-secret --from-file=ssh-privatekey=path/to/id_rsa --from-file=ssh-publickey=path/to/id_rsa.pub\n\n# Create a new secret named my-secret with key1=supersecret and key2=topsecret\nk1s create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret\n\n# Create a new secret named my-secret using a combination of a file and a literal\nk1s create secret generic my-secret --from-file=ssh-privatekey=path/to/id_rsa --from-literal=passphrase=topsecret\n\n# Create a new secret named my-secret from env files\nk1s create secret generic my-secret --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env",
    usage:
      "create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
    flags: {
      "append-hash": APPEND_HASH,
      "dry-run": DRY_RUN,
      "from-env-file": [
        "[]",
        "Specify the path to a file to read lines of key=val pairs to create a secret.",
      ],
      "from-file": [
        "[]",
        "Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.  Specifying a directory will iterate each named file in the directory that is a valid secret key.",
      ],
      "from-literal": [
        "[]",
        "Specify a key and literal value to insert in secret (i.e. mykey=somevalue)",
      ],
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "type": ["''", "The type of secret to create"],
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "append-hash",
      "dry-run",
      "from-env-file",
      "from-file",
      "from-literal",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "type",
      "validate",
    ],
  },
  "create secret tls": {
    summary: "Create a TLS secret",
    long:
      "Create a TLS secret from the given public/private key pair.\n\n The public/private key pair must exist beforehand. The public key certificate must be .PEM encoded and match the given private key.",
    examples:
      "# Create a new TLS secret named tls-secret with the given key pair\nk1s create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key",
    usage:
      "create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]",
    flags: {
      "append-hash": APPEND_HASH,
      "cert": ["''", "Path to PEM encoded public key certificate."],
      "dry-run": DRY_RUN,
      "key": ["''", "Path to private key associated with given certificate."],
      "output": OUTPUT,
      "save-config": SAVE_CONFIG,
      "validate": VALIDATE,
    },
    options: [
      "allow-missing-template-keys",
      "append-hash",
      "cert",
      "dry-run",
      "key",
      "output",
      "save-config",
      "show-managed-fields",
      "template",
      "validate",
    ],
  },
  "apply view-last-applied": {
    summary: "View the latest last-applied-configuration annotations of a resource/object",
    long:
      "View the latest last-applied-configuration annotations by type/name or file.\n\n The default output will be printed to stdout in YAML format. You can use the -o option to change the output format.",
    examples:
      "# View the last-applied-configuration annotations by type/name in YAML\nk1s apply view-last-applied configmap/settings\n\n# View the last-applied-configuration annotations by file in JSON\nk1s apply view-last-applied -f cm.yaml -o json",
    usage: "apply view-last-applied (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)",
    flags: {
      "output": ["'yaml'", "Output format. Must be one of (yaml, json)"],
      "all": ["false", "Select all resources in the namespace of the specified resource types"],
      "filename": [
        "[]",
        "Filename, directory, or URL to files that contains the last-applied-configuration annotations",
      ],
      "recursive": RECURSIVE,
      "selector": SELECTOR,
    },
    mutates: false,
  },
  "apply set-last-applied": {
    summary:
      "Set the last-applied-configuration annotation on a live object to match the contents of a file",
    long:
      "Set the latest last-applied-configuration annotations by setting it to match the contents of a file. This results in the last-applied-configuration being updated as though 'k1s apply -f<file> ' was run, without updating any other parts of the object.",
    examples:
      "# Set the last-applied-configuration of a resource to match the contents of a file\nk1s apply set-last-applied -f cm.yaml\n\n# Execute set-last-applied against each configuration file in a directory\nk1s apply set-last-applied -f path/\n\n# Set the last-applied-configuration of a resource to match the contents of a file; will create the annotation if it does not already exist\nk1s apply set-last-applied -f cm.yaml --create-annotation=true",
    usage: "apply set-last-applied -f FILENAME",
    flags: {
      "create-annotation": [
        "false",
        "Will create 'last-applied-configuration' annotations if current objects doesn't have one",
      ],
      "dry-run": DRY_RUN,
      "filename": [
        "[]",
        "Filename, directory, or URL to files that contains the last-applied-configuration annotations",
      ],
      "output": OUTPUT,
    },
  },
  "plugin": {
    summary: "Provides utilities for interacting with plugins",
    long:
      "Provides utilities for interacting with plugins.\n\n Plugins provide extended functionality that is not part of the major command-line distribution. Please refer to the documentation and examples for more information about how write your own plugins.\n\n The easiest way to discover and install plugins is via the kubernetes sub-project krew: [krew.sigs.k8s.io]. To install krew, visit https://krew.sigs.k8s.io/docs/user-guide/setup/install",
    examples:
      "# List all available plugins\nk1s plugin list\n\n# List only binary names of available plugins without paths\nk1s plugin list --name-only",
    usage: "plugin [flags]",
    options: [],
    subcommands: ["plugin list"],
  },
  "plugin list": {
    summary: "List all visible plugin executables on a user's PATH",
    long:
      'List all available plugin files on a user\'s PATH. To see plugins binary names without the full path use --name-only flag.\n\n Available plugin files are those that are: - executable - anywhere on the user\'s PATH - begin with "k1s-" (or, for a CLI built with the kit, its name and "-")',
    examples:
      "# List all available plugins\nk1s plugin list\n\n# List only binary names of available plugins without paths\nk1s plugin list --name-only",
    usage: "plugin list [flags]",
    flags: {
      "name-only": [
        "false",
        "If true, display only the binary name of each plugin, rather than its full path",
      ],
    },
    options: ["name-only"],
  },
  "config": {
    long:
      "Modify the k1s config file using subcommands like \"k1s config use-context dev\".\n\n The file is $K1S_CONFIG, else $XDG_CONFIG_HOME/k1s/config (~/.config/k1s/config). Its contexts name a store and a default namespace, as a kubeconfig's contexts name a cluster and a namespace. The store and the namespace follow kubectl's order: the flag (--store, -n), then the environment ($K1S_STORE), then the context, then the default.",
    examples:
      "# Name a store and a namespace, and use them\nk1s config set-context dev --store=sqlite:./dev.db --namespace=team\nk1s config use-context dev\n\n# Change the namespace of the current context\nk1s config set-context --current --namespace=other",
    usage: "config SUBCOMMAND",
    options: [],
    subcommands: [
      "config current-context",
      "config delete-context",
      "config get-contexts",
      "config rename-context",
      "config set-context",
      "config use-context",
      "config view",
    ],
  },
  "config current-context": {
    summary: "Display the current-context",
    long: "Display the current-context.",
    examples: "# Display the current-context\nk1s config current-context",
    usage: "config current-context",
    options: [],
  },
  "config delete-context": {
    summary: "Delete the specified context from the config",
    long: "Delete the specified context from the config file.",
    examples: "# Delete the context for the dev store\nk1s config delete-context dev",
    usage: "config delete-context NAME",
    options: [],
  },
  "config get-contexts": {
    summary: "Describe one or many contexts",
    long: "Display one or many contexts from the config file.",
    examples:
      "# List all the contexts in the config file\nk1s config get-contexts\n\n# Describe one context in the config file\nk1s config get-contexts dev",
    usage: "config get-contexts [(-o|--output=)name)]",
    flags: {
      "output": ["''", "Output format. One of: (name)."],
    },
    options: ["output"],
  },
  "config rename-context": {
    summary: "Rename a context from the config file",
    long:
      "Renames a context from the config file.\n\n CONTEXT_NAME is the context name that you want to change.\n\n NEW_NAME is the new name you want to set.\n\n Note: If the context being renamed is the 'current-context', this field will also be updated.",
    examples:
      "# Rename the context 'old-name' to 'new-name' in the config file\nk1s config rename-context old-name new-name",
    usage: "config rename-context CONTEXT_NAME NEW_NAME",
    options: [],
  },
  "config set-context": {
    summary: "Set a context entry in the config",
    long:
      "Set a context entry in the config file.\n\n Specifying a name that already exists will merge new fields on top of existing values for those fields.",
    examples:
      "# Set the store of the dev context without touching other values\nk1s config set-context dev --store=sqlite:./dev.db\n\n# Set the namespace of the current context\nk1s config set-context --current --namespace=team",
    usage: "config set-context [NAME | --current] [--store=URL] [--namespace=namespace]",
    flags: {
      "current": ["false", "Modify the current context"],
    },
    options: ["current"],
  },
  "config use-context": {
    summary: "Set the current-context in the config file",
    long: "Set the current-context in the config file.",
    examples: "# Use the context for the dev store\nk1s config use-context dev",
    usage: "config use-context CONTEXT_NAME",
    aliases: ["use"],
    options: [],
  },
  "config view": {
    summary: "Display merged config settings or a specified config file",
    long: "Display the config file's settings.",
    examples:
      "# Show the config file\nk1s config view\n\n# Show it as JSON\nk1s config view -o json",
    usage: "config view",
    flags: {
      "output": ["'yaml'", "Output format. One of: (json, yaml)."],
    },
    options: ["output"],
  },
  "serve": {
    long:
      'Serve the store over the Kubernetes HTTP API, so that kubectl and Kubernetes client libraries can use it.\n\n Listens on 127.0.0.1:6443 unless --listen says otherwise (port 0 picks a free one). Certificates, the token and the kubeconfig are kept in a "serve" directory beside the store (for a store without a file, in a temporary directory), unless flags name them.\n\n Several servers can share one store (etcd, PostgreSQL, or one SQLite file): each serves reads, writes and watches, and the controllers run in one of them at a time, elected on the Lease default/k1s-controllers (the --leader-elect-* durations as kube-controller-manager takes them). SIGINT or SIGTERM ends watches, lets requests finish and stops.',
    examples:
      "# Serve the default store over HTTPS and point kubectl at it\nk1s serve --write-kubeconfig ./kubeconfig\nkubectl --kubeconfig ./kubeconfig get configmaps -A\n\n# Serve a store on a free port over plain HTTP (loopback use only)\nk1s --store sqlite:./dev.db serve --listen 127.0.0.1:0 --insecure-http\n\n# Two servers sharing one etcd (the controllers run in one of them)\nk1s --store etcd://127.0.0.1:2379/k1s serve --listen 0.0.0.0:6443",
    usage:
      "serve [--listen HOST:PORT] [--write-kubeconfig PATH] [--token-file PATH] [--tls-cert FILE --tls-key FILE | --insecure-http] [--no-controllers]",
    flags: {
      "listen": [
        "'127.0.0.1:6443'",
        "The address to listen on, HOST:PORT (port 0 picks a free one)",
      ],
      "write-kubeconfig": [
        "''",
        "Write a kubeconfig for the server to this path (default: in the serve directory beside the store)",
      ],
      "token-file": [
        "''",
        "The file holding the bearer token clients must send (created if missing; default: in the serve directory beside the store)",
      ],
      "tls-cert": [
        "''",
        "The serving certificate (PEM); with --tls-key. Default: a generated CA and certificate in the serve directory",
      ],
      "tls-key": ["''", "The serving certificate's private key (PEM); with --tls-cert"],
      "insecure-http": [null, "If true, serve plain HTTP without a token (for loopback use only)"],
      "no-controllers": [
        null,
        "If true, run no controllers in this server (another process holding the controllers' lease runs them)",
      ],
      "leader-elect-lease-duration": [
        "15s",
        "The duration that non-leader candidates will wait after observing a leadership renewal until attempting to acquire leadership of the controllers' lease",
      ],
      "leader-elect-renew-deadline": [
        "10s",
        "The interval between attempts by the acting leader to renew its leadership slot before it stops leading. This must be less than the lease duration",
      ],
      "leader-elect-retry-period": [
        "2s",
        "The duration the clients should wait between attempting acquisition and renewal of a leadership",
      ],
    },
  },
  "crd": {
    long:
      'Export the CLI\'s kinds as CustomResourceDefinitions, or generate kinds from a CRD.\n\n "crd export" prints the CRDs of the CLI\'s own kinds: what to apply to a cluster so that it serves them. "crd generate" writes a TypeScript module of kinds from a CRD manifest.',
    examples:
      "# Print the CRDs of the CLI's own kinds\nk1s crd export -o yaml\n\n# Write kinds for the CRDs in crd.yaml\nk1s crd generate -f crd.yaml --out kinds.ts",
    usage:
      "crd (export [KIND ...] [-o yaml|json] | generate -f FILE [--out FILE] [--import MODULE])",
    flags: {
      "output": [
        "''",
        "Output format for export: yaml (the default) or json; for generate, the file to write (as --out)",
      ],
      "filename": ["''", "The CRD manifest to generate kinds from"],
      "out": ["''", "The TypeScript file generate writes (default: standard output)"],
      "import": ["''", "The module the generated kinds import from (default: @k1s/k1s)"],
    },
  },
};

function zeroDefault(spec: FlagSpec, text: string): boolean {
  if (spec.multiple) return text === "[]";
  return text === (spec.type === "boolean" ? "false" : spec.type === "int" ? "0" : "''");
}

function described(options: FlagsConfig, names: readonly string[], text: HelpText): FlagsConfig {
  const out: FlagsConfig = {};
  for (const name of names) {
    const spec = options[name];
    if (!spec) continue;
    const [shown, description] = text.flags?.[name] ?? [null, ""];
    out[name] = {
      ...spec,
      description: spec.description ?? description,
      defaultText: spec.defaultText ??
        (shown === null || zeroDefault(spec, shown) ? undefined : shown),
    };
  }
  return out;
}

function docFor(path: string, options: FlagsConfig, own?: CommandDoc): CommandDoc {
  const text = TEXTS[path] ?? {};
  const name = path.slice(path.lastIndexOf(" ") + 1);
  const pool = options;
  const names = text.options ?? Object.keys(own?.options ?? {});
  const documented = own?.long !== undefined || own?.examples !== undefined;
  const doc: CommandDoc = {
    ...own,
    name,
    summary: documented ? own!.summary : text.summary ?? own?.summary ?? "",
    long: documented ? own!.long : text.long,
    examples: documented ? own!.examples : text.examples,
    usage: documented ? own!.usage : text.usage ?? own?.usage ?? path,
    aliases: own?.aliases ?? text.aliases,
    options: described(pool, names, text),
  };
  if (text.mutates !== undefined) doc.mutates = text.mutates;
  if (!own?.subcommands && text.subcommands) {
    doc.subcommands = text.subcommands.map((p) => docFor(p, options));
  }
  return doc;
}

/**
 * `command` with the help texts of its path (and its subcommands') filled in
 * where its module gives none.
 */
export function withHelpTexts(command: Command): Command {
  if (!TEXTS[command.name]) return command;
  return { ...command, ...docFor(command.name, command.options ?? {}, command) };
}
