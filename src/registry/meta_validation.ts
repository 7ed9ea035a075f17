/**
 * ObjectMeta validation as `ValidateObjectMeta` and `ValidateObjectMetaUpdate`
 * do it in kube-apiserver.
 *
 * @module
 */
import { field, type FieldError } from "../apimachinery/errors.ts";
import type { ObjectMeta } from "../apimachinery/meta.ts";
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  validateAnnotations,
  validateFinalizerName,
  validateLabels,
  validateOwnerReferences,
} from "../apimachinery/validation.ts";
import type { Kind } from "../scheme/kind.ts";

function nameErrors(kind: Kind, name: string): string[] {
  return kind.nameValidation === "label" ? isDNS1123Label(name) : isDNS1123Subdomain(name);
}

/** Validates metadata of an object about to be created or updated. */
export function validateObjectMeta(kind: Kind, meta: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) {
    errs.push(field.required("metadata.name", "name or generateName is required"));
  } else {
    for (const msg of nameErrors(kind, meta.name)) {
      errs.push(field.invalid("metadata.name", meta.name, msg));
    }
  }
  if (meta.generateName) {
    // The server appends a suffix, so a trailing "-" is fine; validate with it masked.
    const masked = meta.generateName.replace(/-+$/, "") || "a";
    for (const msg of nameErrors(kind, masked)) {
      errs.push(field.invalid("metadata.generateName", meta.generateName, msg));
    }
  }
  if (kind.scope === "Namespaced") {
    if (!meta.namespace) errs.push(field.required("metadata.namespace"));
    else {
      for (const msg of isDNS1123Label(meta.namespace)) {
        errs.push(field.invalid("metadata.namespace", meta.namespace, msg));
      }
    }
  } else if (meta.namespace) {
    errs.push(field.forbidden("metadata.namespace", "not allowed on this type"));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(
      field.invalid("metadata.generation", meta.generation, "must be greater than or equal to 0"),
    );
  }
  if (meta.labels !== undefined) errs.push(...validateLabels(meta.labels, "metadata.labels"));
  if (meta.annotations !== undefined) {
    errs.push(...validateAnnotations(meta.annotations, "metadata.annotations"));
  }
  if (meta.ownerReferences !== undefined) {
    errs.push(...validateOwnerReferences(meta.ownerReferences, "metadata.ownerReferences"));
  }
  if (meta.finalizers !== undefined) {
    const seen = new Set<string>();
    meta.finalizers.forEach((f) => {
      errs.push(...validateFinalizerName(f, "metadata.finalizers")); // kube: no index
      seen.add(f);
    });
    if (seen.has("orphan") && seen.has("foregroundDeletion")) {
      errs.push(
        field.invalid(
          "metadata.finalizers",
          meta.finalizers,
          "finalizer orphan and foregroundDeletion cannot be both set",
        ),
      );
    }
  }
  if (meta.managedFields !== undefined && !Array.isArray(meta.managedFields)) {
    errs.push(field.invalid("metadata.managedFields", meta.managedFields, "must be a list"));
  }
  return errs;
}

/** Validates the metadata changes of an update. */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (next.name !== old.name) {
    errs.push(field.invalid("metadata.name", next.name, "field is immutable"));
  }
  if ((next.namespace ?? "") !== (old.namespace ?? "")) {
    errs.push(field.invalid("metadata.namespace", next.namespace, "field is immutable"));
  }
  if (next.uid !== old.uid) {
    errs.push(field.invalid("metadata.uid", next.uid, "field is immutable"));
  }
  if (old.deletionTimestamp) {
    const had = new Set(old.finalizers ?? []);
    const added = [...new Set((next.finalizers ?? []).filter((f) => !had.has(f)))].sort();
    if (added.length) {
      errs.push(
        field.forbidden(
          "metadata.finalizers",
          "no new finalizers can be added if the object is being deleted, found new finalizers " +
            `[]string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
        ),
      );
    }
  }
  if ((next.generation ?? 0) < (old.generation ?? 0)) {
    errs.push(
      field.invalid("metadata.generation", next.generation ?? 0, "must not be decremented"),
    );
  }
  if ((next.deletionTimestamp ?? "") !== (old.deletionTimestamp ?? "")) {
    errs.push(
      field.invalid(
        "metadata.deletionTimestamp",
        next.deletionTimestamp ?? null,
        "field is immutable",
      ),
    );
  }
  if (next.deletionGracePeriodSeconds !== old.deletionGracePeriodSeconds) {
    errs.push(
      field.invalid(
        "metadata.deletionGracePeriodSeconds",
        next.deletionGracePeriodSeconds ?? null,
        "field is immutable",
      ),
    );
  }
  return errs;
}
