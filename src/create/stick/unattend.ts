/**
 * The answer file `--win11-bypass` puts at the root of a Windows stick as `autounattend.xml`. Setup
 * searches the root of removable media for `Autounattend.xml` (Microsoft, "Windows Setup Automation
 * Overview", implicit search order), so nothing inside boot.wim is edited.
 *
 * It sets exactly what Rufus's "Windows User Experience" options set (rufus src/wue.c, research note
 * windows-udf.md §2.5):
 * - windowsPE pass, before Setup checks the hardware: `HKLM\SYSTEM\Setup\LabConfig` DWORDs
 *   `BypassTPMCheck`, `BypassSecureBootCheck`, `BypassRAMCheck` = 1 (`reg add` run synchronously);
 * - specialize pass: `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\OOBE` DWORD `BypassNRO` = 1, which
 *   gives "I don't have internet" in the out-of-box experience, so a local account can be made (it works
 *   with the network disconnected).
 * Nothing else: no language, disk, product key or account answers, so Setup asks for those as usual.
 */
import { encodeUtf8 } from '../../bytes/index.js';

/** The LabConfig values the windowsPE pass sets (name → 1). */
export const WIN11_LABCONFIG_VALUES = ['BypassTPMCheck', 'BypassSecureBootCheck', 'BypassRAMCheck'] as const;
/** The OOBE value the specialize pass sets. */
export const WIN11_OOBE_VALUE = 'BypassNRO';

const COMPONENT_ATTRS =
  'processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS" ' +
  'xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function runSync(order: number, path: string, command: string): string {
  return [
    `        <RunSynchronousCommand wcm:action="add">`,
    `          <Order>${order}</Order>`,
    `          <${path}>${command}</${path}>`,
    `        </RunSynchronousCommand>`,
  ].join('\r\n');
}

/** The bypass answer file's text (CRLF line ends, as Windows tools write them). */
export function win11BypassUnattendXml(): string {
  const pe = WIN11_LABCONFIG_VALUES.map((v, i) => runSync(i + 1, 'Path', `reg add HKLM\\SYSTEM\\Setup\\LabConfig /v ${v} /t REG_DWORD /d 1 /f`));
  const spec = runSync(1, 'Path', `reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\OOBE /v ${WIN11_OOBE_VALUE} /t REG_DWORD /d 1 /f`);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- written by isokit write (Windows 11 bypass): skips the TPM, Secure Boot and RAM checks and the online-account step -->',
    '<unattend xmlns="urn:schemas-microsoft-com:unattend">',
    '  <settings pass="windowsPE">',
    `    <component name="Microsoft-Windows-Setup" ${COMPONENT_ATTRS}>`,
    '      <RunSynchronous>',
    ...pe,
    '      </RunSynchronous>',
    '    </component>',
    '  </settings>',
    '  <settings pass="specialize">',
    `    <component name="Microsoft-Windows-Deployment" ${COMPONENT_ATTRS}>`,
    '      <RunSynchronous>',
    spec,
    '      </RunSynchronous>',
    '    </component>',
    '  </settings>',
    '</unattend>',
    '',
  ].join('\r\n');
}

export const win11BypassUnattend = (): Uint8Array => encodeUtf8(win11BypassUnattendXml());
