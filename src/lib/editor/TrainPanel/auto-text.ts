/** The Train panel's words for Auto's device choice (auto-device.ts), in the UI's language. */
import type { MessageKey, MessageParams } from '$lib/i18n';
import type { AutoChoice, AutoReason } from '$lib/training/auto-device';

type Translate = (key: MessageKey, params?: MessageParams) => string;

export const DEVICE_NAMES = { cpu: 'CPU', webgpu: 'WebGPU' } as const;

/** Milliseconds with about two significant digits: 0.31, 4.2, 17. */
export function formatMs(ms: number): string {
	if (ms < 1) return ms.toFixed(2);
	if (ms < 10) return ms.toFixed(1);
	return String(Math.round(ms));
}

function reasonText(reason: AutoReason, t: Translate): string {
	switch (reason.kind) {
		case 'no-webgpu':
			return t('trainPanel.autoNoWebgpu');
		case 'software':
			return reason.adapter === ''
				? t('trainPanel.autoSoftwareUnnamed')
				: t('trainPanel.autoSoftware', { adapter: reason.adapter });
		case 'calibrated':
			return t('trainPanel.autoCalibrated', {
				cpu: formatMs(reason.cpuMs),
				gpu: formatMs(reason.gpuMs)
			});
		case 'gpu-failed':
			return t('trainPanel.autoGpuFailed');
	}
}

/** `Auto: CPU — the only GPU adapter is a software fallback (SwiftShader) ...`. */
export function autoText(choice: AutoChoice | 'calibrate', t: Translate): string {
	if (choice === 'calibrate') return t('trainPanel.autoPending');
	return t('trainPanel.auto', {
		device: DEVICE_NAMES[choice.device],
		reason: reasonText(choice.reason, t)
	});
}
