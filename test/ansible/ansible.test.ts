import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { projectRoot } from '../../edge/db/open.js';

const ANSIBLE = join(projectRoot(), 'ansible');
const INVENTORY = join(ANSIBLE, 'inventories', 'example', 'group_vars', 'edge');
const work = mkdtempSync(join(tmpdir(), 'wanmi-ansible-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a provisioning tool; a missing tool fails the suite (CI installs ansible, ansible-lint and yamllint). */
function tool(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ANSIBLE,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ANSIBLE_CONFIG: join(ANSIBLE, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ...env },
  });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (install it: .ci/apt-packages.txt lists it)`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Renders one role template with the example inventory's variables, on this machine (no hosts touched). */
function render(template: string, extra: Record<string, string> = {}): string {
  const dest = join(work, template.replaceAll('/', '_'));
  const vars = ['-e', `@${join(INVENTORY, 'vars.yml')}`, '-e', `@${join(INVENTORY, 'vault.yml')}`];
  for (const [k, v] of Object.entries({ wanmi_data_dir: '/var/lib/wanmi', ...extra })) vars.push('-e', `${k}=${v}`);
  const defaults = ['wanmi_edge', 'wanmi_app', 'mosquitto'].flatMap((r) => [
    '-e',
    `@${join(ANSIBLE, 'roles', r, 'defaults', 'main.yml')}`,
  ]);
  const r = tool(
    'ansible',
    [
      'localhost',
      '-c',
      'local',
      '-i',
      'localhost,',
      '-m',
      'template',
      '-a',
      `src=${join(ANSIBLE, 'roles', template)} dest=${dest}`,
      ...defaults,
      ...vars,
    ],
    { ANSIBLE_BECOME: 'false' },
  );
  expect(r.code, r.out).toBe(0);
  return readFileSync(dest, 'utf8');
}

describe('ansible/: provisioning is linted, syntax-checked and renders configs the appliance accepts', () => {
  it('yamllint and ansible-lint (production profile) pass', () => {
    const y = tool('yamllint', ['-c', '.yamllint', '.']);
    expect(y.code, y.out).toBe(0);
    const l = tool('ansible-lint', ['--offline']);
    expect(l.code, l.out).toBe(0);
  });

  it('both playbooks pass the syntax check', () => {
    const r = tool('ansible-playbook', ['--syntax-check', 'playbooks/edge.yml', 'playbooks/central.yml']);
    expect(r.code, r.out).toBe(0);
  });

  it('the edge.json it writes is a valid edge config, secrets only as env placeholders', () => {
    const text = render('wanmi_edge/templates/edge.json.j2');
    expect(text).not.toMatch(/REPLACE/); // no vault value in the config file itself
    const config = parseEdgeConfig(JSON.parse(text), {
      WANMI_SYNC_TOKEN: 't'.repeat(40),
      WANMI_MQTT_PASSWORD: 'secret-1',
    });
    expect(config.district.division).toBe('320481');
    expect(config.sync.enabled).toBe(true);
    expect(config.gps.enabled).toBe(true);
    expect(config.gps.broker.username).toBe('wanmi-ingest');
    expect(config.gps.broker.password).toBe('secret-1');
    // Without a central URL the appliance runs alone (sync off) and the config is still valid.
    const alone = JSON.parse(render('wanmi_edge/templates/edge.json.j2', { wanmi_central_url: '' }));
    expect(parseEdgeConfig(alone, { WANMI_MQTT_PASSWORD: 'x' }).sync.enabled).toBe(false);
  });

  it('the broker password source has the ingest user and one line per enrolled device', () => {
    const lines = render('mosquitto/templates/passwd.src.j2').trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['wanmi-ingest', 'hw-001', 'zt-001', 'collector1']);
  });
});
