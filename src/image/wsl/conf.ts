// The two files WSL reads from a distribution's root (learn.microsoft.com "Build a custom Linux
// distribution for WSL", WSL ≥ 2.4.4): /etc/wsl-distribution.conf (first-launch setup: OOBE
// command, default uid and name, Start-menu icon, Windows Terminal profile) and /etc/wsl.conf
// (per-distribution boot settings). Only keys Microsoft's distribution validator
// (microsoft/WSL distributions/validate-modern.py) accepts are written.

export class WslImageError extends Error {
  override name = 'WslImageError';
}

export interface WslDistributionSettings {
  /** [oobe] defaultName: the name `wsl --install --from-file` registers, e.g. "AzureLinux-4.0". */
  defaultName: string;
  /** [oobe] defaultUid: the uid WSL starts as once the OOBE command made that user (1000 by convention). */
  defaultUid?: number;
  /** [oobe] command: run at the first interactive launch, e.g. "/usr/lib/wsl/oobe.sh". */
  oobeCommand?: string;
  /** [shortcut] icon: a .ico file in the image (validator: ≤ 1 MiB, under /usr/lib/wsl or /usr/share/wsl). */
  shortcutIcon?: string;
  /** [windowsterminal] profileTemplate: a JSON profile fragment in the image (under /usr/lib/wsl). */
  terminalProfileTemplate?: string;
}

function checkImagePath(field: string, p: string): string {
  if (!p.startsWith('/') || p.split('/').some((c, i) => i > 0 && (c === '' || c === '.' || c === '..')) || /[\s\\]/.test(p)) {
    throw new WslImageError(`${field}: "${p}" must be an absolute, normalised path in the image without spaces`);
  }
  return p;
}

/** Checks the settings and returns the /etc/wsl-distribution.conf text. */
export function wslDistributionConf(s: WslDistributionSettings): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s.defaultName)) {
    throw new WslImageError(`defaultName "${s.defaultName}": expected letters, digits, '.', '_', '-' (a WSL distribution name)`);
  }
  const lines = [
    '# /etc/wsl-distribution.conf: how WSL sets this distribution up when it is first installed.',
    '# https://learn.microsoft.com/windows/wsl/build-custom-distro',
    '[oobe]',
    `defaultName = ${s.defaultName}`,
  ];
  if (s.defaultUid !== undefined) {
    if (!Number.isInteger(s.defaultUid) || s.defaultUid < 0 || s.defaultUid > 0xfffffffe) throw new WslImageError(`defaultUid ${s.defaultUid}: not a uid`);
    lines.push(`defaultUid = ${s.defaultUid}`);
  }
  if (s.oobeCommand !== undefined) lines.push(`command = ${checkImagePath('oobeCommand', s.oobeCommand)}`);
  if (s.shortcutIcon !== undefined) lines.push('', '[shortcut]', `icon = ${checkImagePath('shortcutIcon', s.shortcutIcon)}`);
  if (s.terminalProfileTemplate !== undefined) {
    lines.push('', '[windowsterminal]', `profileTemplate = ${checkImagePath('terminalProfileTemplate', s.terminalProfileTemplate)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The /etc/wsl.conf text: systemd as PID 1 or not (the only key a distribution should ship). */
export function wslConf(systemd: boolean): string {
  return [
    '# /etc/wsl.conf: per-distribution WSL settings; users may add their own.',
    '# https://learn.microsoft.com/windows/wsl/wsl-config',
    '[boot]',
    `systemd=${systemd}`,
    '',
  ].join('\n');
}
