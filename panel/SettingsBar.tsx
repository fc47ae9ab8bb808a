/**
 * Recorder settings, shown under the toolbar: they apply to every frame of every tab (and are kept
 * across sessions), so the bar says so.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { RecorderSettings } from '../extension/settings';
import { useVanilla } from './useLog';

export interface SettingsControl {
  store: StoreApi<RecorderSettings>;
  save(next: RecorderSettings): void;
}

export function SettingsBar({ control }: { control: SettingsControl }) {
  const settings = useVanilla(control.store);
  const update = (patch: Partial<RecorderSettings>) => control.save({ ...settings, ...patch });
  return (
    <div className="settings" data-testid="settings" title="Recorder settings: they apply to every page, from its next event on">
      <label>
        <input
          type="checkbox"
          data-testid="setting-capture-stacks"
          checked={settings.captureStacks}
          onChange={(e) => update({ captureStacks: e.currentTarget.checked })}
        />
        capture sending stacks
      </label>
      <label>
        previews per second
        <input
          type="number"
          min={0}
          step={100}
          data-testid="setting-previews-per-second"
          value={settings.previewsPerSecond}
          onChange={(e) => {
            const n = Number(e.currentTarget.value);
            if (Number.isFinite(n) && n >= 0) update({ previewsPerSecond: Math.round(n) });
          }}
        />
      </label>
    </div>
  );
}
