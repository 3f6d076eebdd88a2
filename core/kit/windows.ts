// Windows WLAN profile (netsh wlan add profile filename=...): WPA2/WPA3-Enterprise with
// EAP-TTLS/PAP, the RADIUS server checked by name and by the CA's thumbprint.
import type { KitInput } from './model.js';
import { xml } from './util.js';

export function windowsWlan(k: KitInput): string | undefined {
  const w = k.org.staffWifi;
  if (!w) return undefined;
  const hex = Buffer.from(w.ssid, 'utf8').toString('hex').toUpperCase();
  const auth = w.security === 'wpa3-enterprise' ? 'WPA3ENT' : 'WPA2';
  return `<?xml version="1.0" encoding="UTF-8"?>
<WLANProfile xmlns="http://www.microsoft.com/networking/WLAN/profile/v1">
  <name>${xml(w.ssid)}</name>
  <SSIDConfig>
    <SSID>
      <hex>${hex}</hex>
      <name>${xml(w.ssid)}</name>
    </SSID>
  </SSIDConfig>
  <connectionType>ESS</connectionType>
  <connectionMode>auto</connectionMode>
  <MSM>
    <security>
      <authEncryption>
        <authentication>${auth}</authentication>
        <encryption>AES</encryption>
        <useOneX>true</useOneX>
      </authEncryption>
      <OneX xmlns="http://www.microsoft.com/networking/OneX/v1">
        <authMode>user</authMode>
        <EAPConfig>
          <EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig">
            <EapMethod>
              <Type xmlns="http://www.microsoft.com/provisioning/EapCommon">21</Type>
              <VendorId xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorId>
              <VendorType xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorType>
              <AuthorId xmlns="http://www.microsoft.com/provisioning/EapCommon">311</AuthorId>
            </EapMethod>
            <Config>
              <EapTtls xmlns="http://www.microsoft.com/provisioning/EapTtlsConnectionPropertiesV1">
                <ServerValidation>
                  <ServerNames>${xml(k.org.radiusName)}</ServerNames>
                  <TrustedRootCAHash>${k.org.wifiCa.sha1Spaced}</TrustedRootCAHash>
                  <DisablePrompt>true</DisablePrompt>
                </ServerValidation>
                <Phase2Authentication>
                  <PAPAuthentication/>
                </Phase2Authentication>
                <Phase1Identity>
                  <IdentityPrivacy>true</IdentityPrivacy>
                  <AnonymousIdentity>anonymous@${xml(k.org.domain)}</AnonymousIdentity>
                </Phase1Identity>
              </EapTtls>
            </Config>
          </EapHostConfig>
        </EAPConfig>
      </OneX>
    </security>
  </MSM>
</WLANProfile>
`;
}
