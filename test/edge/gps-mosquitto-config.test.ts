import { describe, expect, it } from 'vitest';
import { renderMosquittoAcl, renderMosquittoConf } from '../../edge/gps/mosquitto-config.js';

describe('Mosquitto templates', () => {
  it('the ACL gives the ingest its topics and every other user only its own', () => {
    const acl = renderMosquittoAcl({ district: '320481', ingestUser: 'wanmi-edge', readers: ['videowall'] });
    expect(acl).toContain('user wanmi-edge\ntopic read wanmi/v1/320481/vehicles/+/position');
    expect(acl).toContain('pattern write wanmi/v1/320481/vehicles/%u/position');
    expect(acl).toContain('pattern write owntracks/%u/+');
    expect(acl).not.toMatch(/topic (read)?write wanmi\/v1\/320481\/vehicles\/\+/);
  });

  it('refuses names that could inject or widen a rule', () => {
    for (const bad of ['a b', 'x\ntopic readwrite #', '#', 'a/b', '']) {
      expect(() => renderMosquittoAcl({ district: '320481', ingestUser: bad })).toThrow(/ingestUser/);
      expect(() => renderMosquittoAcl({ district: '320481', ingestUser: 'ok', readers: [bad] })).toThrow(
        /readers\[0\]/,
      );
    }
    expect(() => renderMosquittoAcl({ district: '32048', ingestUser: 'ok' })).toThrow(/district/);
  });

  it('the conf refuses anonymous clients and sizes the persistent session queue', () => {
    const conf = renderMosquittoConf({
      port: 8883,
      passwordFile: '/p',
      aclFile: '/a',
      persistenceDir: '/var/lib/mosquitto',
    });
    expect(conf).toContain('allow_anonymous false');
    expect(conf).toContain('max_queued_messages 1000000');
    expect(conf).toContain('persistence true');
  });
});
