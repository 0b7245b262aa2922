// Input helpers: update inputs are the create input with every field optional, derived from its
// metadata so the two never drift apart.
import type { ClassType } from 'type-graphql';
import { Field, getMetadataStorage, InputType } from 'type-graphql';
import { getMetadataStorage as validationStorage, IsOptional } from 'class-validator';

export function partialOf<T extends object>(base: ClassType<T>, name: string, omit: readonly (keyof T & string)[] = []): ClassType<Partial<T>> {
  @InputType(name)
  class PartialInput {}
  const fields = getMetadataStorage().fields.filter((field) => field.target === base && !omit.includes(field.name as keyof T & string));
  for (const field of fields) {
    const { array, arrayDepth } = field.typeOptions;
    if (array && (arrayDepth ?? 1) > 1) throw new Error(`partialOf: nested list field ${field.name} is not supported`);
    const type = array ? () => [field.getType()] : field.getType;
    Field(type, { nullable: true, ...(field.description ? { description: field.description } : {}) })(PartialInput.prototype, field.name);
    IsOptional()(PartialInput.prototype, field.name);
  }
  const storage = validationStorage();
  for (const meta of storage.getTargetValidationMetadatas(base, '', true, false)) {
    if (omit.includes(meta.propertyName as keyof T & string)) continue;
    storage.addValidationMetadata(Object.assign(Object.create(Object.getPrototypeOf(meta) as object) as typeof meta, meta, { target: PartialInput }));
  }
  return PartialInput as ClassType<Partial<T>>;
}
