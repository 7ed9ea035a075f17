/**
 * CustomResourceDefinitions: the built-in kind and what keeps a scheme
 * serving the CRDs of a store. The CRD export of TypeScript kinds and the
 * TypeScript generator are in the main entry point (`mod.ts`).
 *
 * @module
 */
export * from "./crd.ts";
export * from "./registrar.ts";
export type {
  CustomResourceColumnDefinition,
  CustomResourceConversion,
  /** A CustomResourceDefinition object, as the built-in types declare it. */
  CustomResourceDefinition as CustomResourceDefinitionObject,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionFields,
  CustomResourceDefinitionInput,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionStatus,
  CustomResourceDefinitionVersion,
  CustomResourceSubresources,
  CustomResourceSubresourceScale,
  CustomResourceValidation,
  JSONSchemaProps,
  SelectableField,
  WebhookClientConfig,
} from "../resources/apiextensions_v1.ts";
export type { CRDSchemaCheck } from "../resources/apiextensions_v1_validation.ts";
