/**
 * Builds update and condition expressions with generated placeholders, so attribute names that
 * are DynamoDB reserved words (`status`, `level`, `version`, ...) never appear bare.
 */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly nameIndex = new Map<string, string>();
  private valueCount = 0;

  /** Placeholder for an attribute name (or a dotted path of map keys). */
  name(path: string): string {
    return path
      .split('.')
      .map((segment) => {
        let placeholder = this.nameIndex.get(segment);
        if (!placeholder) {
          placeholder = `#n${this.nameIndex.size}`;
          this.nameIndex.set(segment, placeholder);
          this.names[placeholder] = segment;
        }
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(path: string, value: unknown): this {
    this.sets.push(`${this.name(path)} = ${this.value(value)}`);
    return this;
  }

  /** A raw SET clause written with placeholders from name()/value(). */
  setExpression(clause: string): this {
    this.sets.push(clause);
    return this;
  }

  remove(path: string): this {
    this.removes.push(this.name(path));
    return this;
  }

  /** Conditions are joined with AND. */
  condition(expression: string): this {
    this.conditions.push(`(${expression})`);
    return this;
  }

  build(): {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    if (this.conditions.length === 0) throw new Error('every write of this repository is conditional');
    const clauses: string[] = [];
    if (this.sets.length > 0) clauses.push(`SET ${this.sets.join(', ')}`);
    if (this.removes.length > 0) clauses.push(`REMOVE ${this.removes.join(', ')}`);
    return {
      UpdateExpression: clauses.join(' '),
      ConditionExpression: this.conditions.join(' AND '),
      ExpressionAttributeNames: { ...this.names },
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}
