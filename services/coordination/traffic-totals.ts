import type { UsageEvent } from '../../schemas/usage-v1.ts';

/**
 * Counts of one key's traffic: events, tokens each way, long outputs, text prompts and those stage 1 read as
 * instructions to return the reasoning trace. A profile holds two: its lifetime, and its recent traffic, halved
 * at each content generation (what the key sends now).
 */
export class TrafficTotals {
  events = 0;
  inputTokens = 0;
  outputTokens = 0;
  longOutputs = 0;
  textPrompts = 0;
  harvestInstructions = 0;

  add(event: UsageEvent, long: boolean, harvestInstruction: boolean): void {
    this.events++;
    this.inputTokens += event.input_tokens;
    this.outputTokens += event.output_tokens;
    if (long) this.longOutputs++;
    if (event.prompt_text) {
      this.textPrompts++;
      if (harvestInstruction) this.harvestInstructions++;
    }
  }

  /** Traffic a generation old weighs half (integer counts, rounded down). */
  halve(): void {
    this.events = Math.floor(this.events / 2);
    this.inputTokens = Math.floor(this.inputTokens / 2);
    this.outputTokens = Math.floor(this.outputTokens / 2);
    this.longOutputs = Math.floor(this.longOutputs / 2);
    this.textPrompts = Math.floor(this.textPrompts / 2);
    this.harvestInstructions = Math.floor(this.harvestInstructions / 2);
  }
}
