/**
 * Windows install sticks from an ISO's UDF tree: GPT (or MBR) + one FAT32 partition, install.wim split into
 * .swm parts when FAT32 needs it, an optional autounattend.xml; planned exactly, emitted in order.
 */
export { planWindowsStick, type WindowsStickOptions, type WindowsStickLayout, type StickSegment, type StickEmitOptions } from './plan.js';
export { planStickTree, type StickTreeOptions, type StickTree, type StickSplit } from './tree.js';
export { win11BypassUnattend, win11BypassUnattendXml, WIN11_LABCONFIG_VALUES, WIN11_OOBE_VALUE } from './unattend.js';
