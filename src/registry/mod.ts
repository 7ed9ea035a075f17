/**
 * The API semantics over a store.
 *
 * @module
 */
export * from "./registry.ts";
export type { FieldSelectorInput, LabelSelectorInput } from "./selection.ts";
export {
  type IncludeObjectPolicy,
  loadPrinterColumns,
  parseIncludeObject,
  type PartialObjectMetadata,
  type Table,
  type TableApiVersion,
  type TableCell,
  type TableColumn,
  type TableColumnDefinition,
  tableColumns,
  type TableKind,
  type TableRow,
  timestampAge,
  toTable,
  type ToTableOptions,
} from "./table.ts";
export type {
  AdmissionRequestInfo,
  GVK,
  GVR,
  ParamSelection,
  PolicyResult,
  PolicyState,
  ValidationFailure,
} from "./admission_policy.ts";
