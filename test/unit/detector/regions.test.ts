import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectorEnv } from '../../../services/common/config/detector.ts';
import { keyStateParams } from '../../../services/detector/state/sketch-params.ts';

describe('supported regions (allow-list)', () => {
  it('defaults to every ISO country except the unsupported ones; unknown codes are not supported', () => {
    const { supportedRegions } = keyStateParams(detectorEnv.parse({}));
    for (const c of ['US', 'DE', 'JP', 'BR', 'SG']) assert.ok(supportedRegions.has(c), c);
    for (const c of ['CN', 'RU', 'IR', 'KP', 'SY', 'CU', 'BY', 'XX']) assert.ok(!supportedRegions.has(c), c);
  });

  it('takes an explicit allow-list, case-insensitively', () => {
    const { supportedRegions } = keyStateParams(detectorEnv.parse({ DG_DETECTOR_SUPPORTED_REGIONS: 'us, gb' }));
    assert.deepEqual([...supportedRegions].sort(), ['GB', 'US']);
  });

  it('excludes more countries from the default list', () => {
    const env = { DG_DETECTOR_UNSUPPORTED_REGIONS: 'CN,VE' };
    const { supportedRegions } = keyStateParams(detectorEnv.parse(env));
    assert.ok(!supportedRegions.has('VE'));
    assert.ok(supportedRegions.has('RU'), 'only the configured exclusions apply');
  });
});
