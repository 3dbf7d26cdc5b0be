<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>EditCommands</name>
    <message>
        <source>add %1</source>
        <translation>%1 hinzufügen</translation>
    </message>
    <message>
        <source>delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message numerus="yes">
        <source>delete %n item(s)</source>
        <translation>
            <numerusform>%n Element löschen</numerusform>
            <numerusform>%n Elemente löschen</numerusform>
        </translation>
    </message>
    <message>
        <source>move %1</source>
        <translation>%1 verschieben</translation>
    </message>
    <message>
        <source>move nodes</source>
        <translation>Knoten verschieben</translation>
    </message>
    <message>
        <source>edit %1</source>
        <translation>%1 bearbeiten</translation>
    </message>
    <message>
        <source>connect %1</source>
        <translation>%1 verbinden</translation>
    </message>
    <message>
        <source>edit cable %1</source>
        <translation>Kabel %1 bearbeiten</translation>
    </message>
    <message>
        <source>edit topology</source>
        <translation>Topologie bearbeiten</translation>
    </message>
    <message>
        <source>set cable %1 up</source>
        <translation>Kabel %1 aktivieren</translation>
    </message>
    <message>
        <source>set cable %1 down</source>
        <translation>Kabel %1 deaktivieren</translation>
    </message>
    <message>
        <source>edit impairment of cable %1</source>
        <translation>Beeinträchtigung von Kabel %1 bearbeiten</translation>
    </message>
</context>
<context>
    <name>ForwardAction</name>
    <message>
        <source>failed to forward a port to &apos;%1&apos;: %2</source>
        <translation>Port konnte nicht an &apos;%1&apos; weitergeleitet werden: %2</translation>
    </message>
    <message>
        <source>no such guest</source>
        <translation>kein solcher Gast</translation>
    </message>
    <message>
        <source>it is on no NAT network (a host port with NAT masquerade or route)</source>
        <translation>er ist in keinem NAT-Netz (einem Host-Port mit NAT Masquerade oder Route)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; already has %2 port forwards</source>
        <translation>&apos;%1&apos; hat bereits %2 Portweiterleitungen</translation>
    </message>
    <message>
        <source>forward port %1 to %2</source>
        <translation>Port %1 an %2 weiterleiten</translation>
    </message>
</context>
<context>
    <name>GuestMenu</name>
    <message>
        <source>Open &amp;Console</source>
        <translation>&amp;Konsole öffnen</translation>
    </message>
    <message>
        <source>Open &amp;Serial Console</source>
        <translation>&amp;Serielle Konsole öffnen</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>Pa&amp;usieren</translation>
    </message>
    <message>
        <source>&amp;Reset</source>
        <translation>&amp;Zurücksetzen</translation>
    </message>
    <message>
        <source>Power &amp;Off</source>
        <translation>&amp;Ausschalten</translation>
    </message>
    <message>
        <source>&amp;Force Off</source>
        <translation>Aus&amp;schalten erzwingen</translation>
    </message>
    <message>
        <source>SS&amp;H to Guest</source>
        <translation>SS&amp;H zum Gast</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Copy ss&amp;h Command</source>
        <translation>ss&amp;h-Befehl kopieren</translation>
    </message>
    <message>
        <source>Copied “%1”</source>
        <translation>„%1“ kopiert</translation>
    </message>
</context>
<context>
    <name>LinkItem</name>
    <message>
        <source>a→b: %1</source>
        <translation>a→b: %1</translation>
    </message>
    <message>
        <source>b→a: %1</source>
        <translation>b→a: %1</translation>
    </message>
    <message>
        <source>Link down</source>
        <translation>Link inaktiv</translation>
    </message>
    <message>
        <source>no impairment</source>
        <translation>keine Beeinträchtigung</translation>
    </message>
</context>
<context>
    <name>LinkMenu</name>
    <message>
        <source>Set Link &amp;Up</source>
        <translation>Link &amp;aktivieren</translation>
    </message>
    <message>
        <source>Set Link &amp;Down</source>
        <translation>Link &amp;deaktivieren</translation>
    </message>
    <message>
        <source>&amp;Impairment…</source>
        <translation>&amp;Beeinträchtigung…</translation>
    </message>
</context>
<context>
    <name>ListSyntax</name>
    <message>
        <source>DHCP reservations</source>
        <translation>DHCP-Reservierungen</translation>
    </message>
    <message>
        <source>expected a MAC address, an IPv4 address and an optional host name</source>
        <translation>erwartet werden eine MAC-Adresse, eine IPv4-Adresse und optional ein Hostname</translation>
    </message>
    <message>
        <source>port forwards</source>
        <translation>Portweiterleitungen</translation>
    </message>
    <message>
        <source>expected protocol:host-address:host-port-guest-address:guest-port, e.g. tcp:127.0.0.1:2222-:22</source>
        <translation>erwartet wird Protokoll:Host-Adresse:Host-Port-Gast-Adresse:Gast-Port, z. B. tcp:127.0.0.1:2222-:22</translation>
    </message>
    <message>
        <source>the protocol must be tcp or udp</source>
        <translation>das Protokoll muss tcp oder udp sein</translation>
    </message>
    <message>
        <source>failed to parse &apos;%1&apos;: entry %2 &apos;%3&apos;: %4</source>
        <translation>&apos;%1&apos; konnte nicht gelesen werden: Eintrag %2 &apos;%3&apos;: %4</translation>
    </message>
    <message>
        <source>failed to parse &apos;%1&apos;: more than %2 entries</source>
        <translation>&apos;%1&apos; konnte nicht gelesen werden: mehr als %2 Einträge</translation>
    </message>
</context>
<context>
    <name>NodeKinds</name>
    <message>
        <source>Netloom switch</source>
        <translation>Netloom-Switch</translation>
    </message>
    <message>
        <source>Kernel bridge</source>
        <translation>Kernel-Bridge</translation>
    </message>
    <message>
        <source>Host port / gateway</source>
        <translation>Host-Port / Gateway</translation>
    </message>
    <message>
        <source>Uplink</source>
        <translation>Uplink</translation>
    </message>
    <message>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <source>Remote cable</source>
        <translation>Fernkabel</translation>
    </message>
    <message>
        <source>A user-space Ethernet switch; guests join it without root</source>
        <translation>Ein Ethernet-Switch im Benutzerraum; Gäste verbinden sich ohne Root-Rechte</translation>
    </message>
    <message>
        <source>A kernel bridge created by the helper</source>
        <translation>Eine vom Helfer angelegte Kernel-Bridge</translation>
    </message>
    <message>
        <source>The host&apos;s interface on a segment: address, DHCP, DNS and NAT</source>
        <translation>Die Schnittstelle des Hosts in einem Segment: Adresse, DHCP, DNS und NAT</translation>
    </message>
    <message>
        <source>A physical interface enslaved to a kernel bridge</source>
        <translation>Eine physische Schnittstelle als Port einer Kernel-Bridge</translation>
    </message>
    <message>
        <source>A QEMU virtual machine</source>
        <translation>Eine virtuelle QEMU-Maschine</translation>
    </message>
    <message>
        <source>The far end of a cable to another host</source>
        <translation>Das entfernte Ende eines Kabels zu einem anderen Host</translation>
    </message>
    <message>
        <source>connect</source>
        <translation>verbinden</translation>
    </message>
    <message>
        <source>the guest already has the maximum of %1 NICs</source>
        <translation>der Gast hat bereits die Höchstzahl von %1 Netzwerkkarten</translation>
    </message>
    <message>
        <source>no such node</source>
        <translation>diesen Knoten gibt es nicht</translation>
    </message>
    <message>
        <source>a node cannot be cabled to itself</source>
        <translation>ein Knoten kann nicht mit sich selbst verkabelt werden</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Draw and export virtual networks of QEMU guests.</source>
        <translation>Virtuelle Netzwerke aus QEMU-Gästen zeichnen und exportieren.</translation>
    </message>
    <message>
        <source>Topology file to open.</source>
        <translation>Zu öffnende Topologiedatei.</translation>
    </message>
    <message>
        <source>only one file can be opened; ignoring the others</source>
        <translation>es kann nur eine Datei geöffnet werden; die übrigen werden ignoriert</translation>
    </message>
    <message>
        <source>The privileged helper&apos;s socket.</source>
        <translation>Der Socket des privilegierten Helfers.</translation>
    </message>
    <message>
        <source>Never use KVM for guests.</source>
        <translation>Für Gäste nie KVM verwenden.</translation>
    </message>
    <message>
        <source>Start the topology once it is open.</source>
        <translation>Die Topologie nach dem Öffnen starten.</translation>
    </message>
    <message>
        <source>Save a PNG of the window to FILE after SECONDS (then keep running).</source>
        <translation>Nach SEKUNDEN ein PNG des Fensters in DATEI speichern (danach weiterlaufen).</translation>
    </message>
    <message>
        <source>Open GUEST&apos;s console as soon as it runs; GUEST:serial opens its serial console, :window in a window of its own. Repeatable.</source>
        <translation>Die Konsole von GUEST öffnen, sobald er läuft; GUEST:serial öffnet seine serielle Konsole, :window in einem eigenen Fenster. Mehrfach angebbar.</translation>
    </message>
    <message>
        <source>With --screenshot-after: save the whole screen, detached console windows included.</source>
        <translation>Mit --screenshot-after: den ganzen Bildschirm speichern, abgetrennte Konsolenfenster eingeschlossen.</translation>
    </message>
</context>
<context>
    <name>netloom::gui::ConsoleArea</name>
    <message>
        <source>Topology</source>
        <translation>Topologie</translation>
    </message>
    <message>
        <source>failed to open the console of &apos;%1&apos;: the topology is not running</source>
        <translation>Konsole von &apos;%1&apos; konnte nicht geöffnet werden: die Topologie läuft nicht</translation>
    </message>
    <message>
        <source>failed to open the console of &apos;%1&apos;: no such guest in the running topology</source>
        <translation>Konsole von &apos;%1&apos; konnte nicht geöffnet werden: kein solcher Gast in der laufenden Topologie</translation>
    </message>
    <message>
        <source>failed to open the console of &apos;%1&apos;: the guest is not running (it is %2)</source>
        <translation>Konsole von &apos;%1&apos; konnte nicht geöffnet werden: der Gast läuft nicht (Zustand: %2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; has no screen (display: none): showing its serial console</source>
        <translation>&apos;%1&apos; hat keinen Bildschirm (display: none): seine serielle Konsole wird gezeigt</translation>
    </message>
</context>
<context>
    <name>netloom::gui::DemoGuestBuild</name>
    <message>
        <source>failed to build the demo guest in &apos;%1&apos;: no result after %2 s</source>
        <translation>Demo-Gast in &apos;%1&apos; konnte nicht gebaut werden: kein Ergebnis nach %2 s</translation>
    </message>
    <message>
        <source>failed to build the demo guest in &apos;%1&apos;: %2</source>
        <translation>Demo-Gast in &apos;%1&apos; konnte nicht gebaut werden: %2</translation>
    </message>
</context>
<context>
    <name>netloom::gui::DoctorDialog</name>
    <message>
        <source>Network Doctor</source>
        <translation>Netzwerkdoktor</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>Check Again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>Reparieren</translation>
    </message>
    <message>
        <source>Add accept rules for Netloom&apos;s own interfaces to the firewall chains that drop them (removed when the network stops); never changes a policy or another rule</source>
        <translation>Fügt den Firewall-Ketten, die den Verkehr verwerfen, Accept-Regeln nur für Netlooms eigene Schnittstellen hinzu (beim Stoppen des Netzwerks entfernt); ändert nie eine Policy oder eine andere Regel</translation>
    </message>
    <message>
        <source>Checking the host…</source>
        <translation>Der Host wird geprüft…</translation>
    </message>
    <message>
        <source>The check failed: %1</source>
        <translation>Die Prüfung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Blocking</source>
        <translation>Blockiert</translation>
    </message>
    <message>
        <source>Evidence: %1</source>
        <translation>Beleg: %1</translation>
    </message>
    <message>
        <source>Fix (Repair does it): %1</source>
        <translation>Abhilfe (erledigt „Reparieren“): %1</translation>
    </message>
    <message>
        <source>Fix: %1</source>
        <translation>Abhilfe: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) keep the guests from reaching the outside.</source>
        <translation>
            <numerusform>%n Problem hindert die Gäste daran, nach draußen zu gelangen.</numerusform>
            <numerusform>%n Probleme hindern die Gäste daran, nach draußen zu gelangen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nothing blocks; %n warning(s).</source>
        <translation>
            <numerusform>Nichts blockiert; %n Warnung.</numerusform>
            <numerusform>Nichts blockiert; %n Warnungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing blocks the guests&apos; way out.</source>
        <translation>Nichts versperrt den Gästen den Weg nach draußen.</translation>
    </message>
    <message>
        <source>Repairing…</source>
        <translation>Wird repariert…</translation>
    </message>
    <message>
        <source>Repaired; checking again.</source>
        <translation>Repariert; es wird erneut geprüft.</translation>
    </message>
    <message>
        <source>The repair failed: %1</source>
        <translation>Die Reparatur ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>netloom::gui::EmulationEditor</name>
    <message>
        <source>Impairment</source>
        <translation>Beeinträchtigung</translation>
    </message>
    <message>
        <source>Link up</source>
        <translation>Link aktiv</translation>
    </message>
    <message>
        <source>A cable set down carries nothing in either direction; a guest on it loses its carrier</source>
        <translation>Ein deaktiviertes Kabel überträgt in keiner Richtung etwas; ein Gast daran verliert sein Trägersignal</translation>
    </message>
    <message>
        <source>Same in both directions</source>
        <translation>In beiden Richtungen gleich</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>Beide Richtungen</translation>
    </message>
</context>
<context>
    <name>netloom::gui::ExportDialog</name>
    <message>
        <source>Export as shell script</source>
        <translation>Als Shell-Skript exportieren</translation>
    </message>
    <message>
        <source>A standalone POSIX sh script that builds this network with stock tools. Run it as root with start, start-net, stop, restart or status.</source>
        <translation>Ein eigenständiges POSIX-sh-Skript, das dieses Netzwerk mit Standardwerkzeugen aufbaut. Als root mit start, start-net, stop, restart oder status ausführen.</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>The topology cannot be exported: %1</source>
        <translation>Die Topologie kann nicht exportiert werden: %1</translation>
    </message>
    <message>
        <source>failed to save &apos;%1&apos;: %2</source>
        <translation>&apos;%1&apos; konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Save script</source>
        <translation>Skript speichern</translation>
    </message>
    <message>
        <source>Shell scripts (*.sh);;All files (*)</source>
        <translation>Shell-Skripte (*.sh);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>netloom::gui::ForwardTable</name>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Host address</source>
        <translation>Host-Adresse</translation>
    </message>
    <message>
        <source>Host port</source>
        <translation>Host-Port</translation>
    </message>
    <message>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <source>Guest port</source>
        <translation>Gast-Port</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Connections to the host&apos;s port reach the guest&apos;s port (from other machines and from this host)</source>
        <translation>Verbindungen zum Port des Hosts erreichen den Port des Gasts (von anderen Rechnern und von diesem Host)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>TCP over IPv6 (needs an IPv6 prefix on the gateway)</source>
        <translation>TCP über IPv6 (braucht ein IPv6-Präfix am Gateway)</translation>
    </message>
    <message>
        <source>UDP over IPv6 (needs an IPv6 prefix on the gateway)</source>
        <translation>UDP über IPv6 (braucht ein IPv6-Präfix am Gateway)</translation>
    </message>
</context>
<context>
    <name>netloom::gui::GuestConsole</name>
    <message>
        <source>%1 — console</source>
        <translation>%1 — Konsole</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n character(s) of the clipboard cannot be typed on a US keyboard layout and were skipped</source>
        <translation>
            <numerusform>%1: %n Zeichen der Zwischenablage kann auf einer US-Tastaturbelegung nicht getippt werden und wurde übersprungen</numerusform>
            <numerusform>%1: %n Zeichen der Zwischenablage können auf einer US-Tastaturbelegung nicht getippt werden und wurden übersprungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>Bildschirm</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>Seriell</translation>
    </message>
    <message>
        <source>The guest&apos;s screen (keyboard and mouse go to the guest)</source>
        <translation>Der Bildschirm des Gastes (Tastatur und Maus gehen an den Gast)</translation>
    </message>
    <message>
        <source>The guest&apos;s first serial port, with what it wrote before</source>
        <translation>Die erste serielle Schnittstelle des Gastes, mit dem, was er vorher schrieb</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Hard reset, like the reset button</source>
        <translation>Harter Neustart, wie die Reset-Taste</translation>
    </message>
    <message>
        <source>Power Off</source>
        <translation>Ausschalten</translation>
    </message>
    <message>
        <source>Press the ACPI power button; QEMU is stopped harder if the guest does not react</source>
        <translation>Drückt den ACPI-Ausschalter; reagiert der Gast nicht, wird QEMU härter beendet</translation>
    </message>
    <message>
        <source>Force Off</source>
        <translation>Ausschalten erzwingen</translation>
    </message>
    <message>
        <source>Kill QEMU now, like pulling the plug</source>
        <translation>QEMU sofort beenden, wie Stecker ziehen</translation>
    </message>
    <message>
        <source>Send Key</source>
        <translation>Taste senden</translation>
    </message>
    <message>
        <source>Type Clipboard</source>
        <translation>Zwischenablage tippen</translation>
    </message>
    <message>
        <source>Type the clipboard&apos;s text into the guest as keystrokes</source>
        <translation>Den Text der Zwischenablage als Tastendrücke in den Gast tippen</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Skalierung</translation>
    </message>
    <message>
        <source>Screenshot…</source>
        <translation>Bildschirmfoto…</translation>
    </message>
    <message>
        <source>Save Screenshot of %1</source>
        <translation>Bildschirmfoto von %1 speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>%1: screenshot saved to %2</source>
        <translation>%1: Bildschirmfoto unter %2 gespeichert</translation>
    </message>
    <message>
        <source>Detach</source>
        <translation>Abtrennen</translation>
    </message>
    <message>
        <source>failed to open the serial console of &apos;%1&apos;: the descriptor is unusable</source>
        <translation>serielle Konsole von &apos;%1&apos; konnte nicht geöffnet werden: der Deskriptor ist unbrauchbar</translation>
    </message>
    <message>
        <source>%1: the screen connection was lost (%2); reopen the console to try again</source>
        <translation>%1: die Verbindung zum Bildschirm ging verloren (%2); Konsole erneut öffnen, um es nochmals zu versuchen</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>hält an</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 has no screen (display: none); use its serial console</source>
        <translation>%1 hat keinen Bildschirm (display: none); bitte die serielle Konsole verwenden</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source> — serial console attached</source>
        <translation> — serielle Konsole verbunden</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Attach to Tab</source>
        <translation>Als Reiter anfügen</translation>
    </message>
    <message>
        <source>failed to save a screenshot of &apos;%1&apos;: no screen shown yet</source>
        <translation>Bildschirmfoto von &apos;%1&apos; konnte nicht gespeichert werden: noch kein Bildschirm angezeigt</translation>
    </message>
</context>
<context>
    <name>netloom::gui::HelperProbe</name>
    <message>
        <source>the helper did not answer within %1 s</source>
        <translation>der Helfer hat nicht innerhalb von %1 s geantwortet</translation>
    </message>
    <message>
        <source>no helper socket at %1</source>
        <translation>kein Helfer-Socket unter %1</translation>
    </message>
    <message>
        <source>polkit could not be asked: %1</source>
        <translation>polkit konnte nicht gefragt werden: %1</translation>
    </message>
</context>
<context>
    <name>netloom::gui::HelperStatusWidget</name>
    <message>
        <source>checking…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>not answering correctly</source>
        <translation>antwortet nicht korrekt</translation>
    </message>
    <message>
        <source>authorization unknown</source>
        <translation>Berechtigung unbekannt</translation>
    </message>
    <message>
        <source>authorized</source>
        <translation>berechtigt</translation>
    </message>
    <message>
        <source>authorized after a password prompt</source>
        <translation>berechtigt nach Passwortabfrage</translation>
    </message>
    <message>
        <source>not authorized</source>
        <translation>nicht berechtigt</translation>
    </message>
    <message>
        <source>Helper: %1, %2</source>
        <translation>Helfer: %1, %2</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Ask the helper and polkit again</source>
        <translation>Helfer und polkit erneut fragen</translation>
    </message>
    <message>
        <source>Start helper</source>
        <translation>Helfer starten</translation>
    </message>
    <message>
        <source>Helper: checking…</source>
        <translation>Helfer: wird geprüft…</translation>
    </message>
    <message>
        <source>Starting the helper: %1</source>
        <translation>Helfer wird gestartet: %1</translation>
    </message>
    <message>
        <source>failed to start &apos;%1&apos;: %2</source>
        <translation>&apos;%1&apos; konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>failed to start &apos;netloom-helper.socket&apos;: %1</source>
        <translation>&apos;netloom-helper.socket&apos; konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>Exit-Code %1</translation>
    </message>
    <message>
        <source>Runs: %1</source>
        <translation>Führt aus: %1</translation>
    </message>
    <message>
        <source>Helper: not checked yet</source>
        <translation>Helfer: noch nicht geprüft</translation>
    </message>
</context>
<context>
    <name>netloom::gui::ImpairmentForm</name>
    <message>
        <source>Delay</source>
        <translation>Verzögerung</translation>
    </message>
    <message>
        <source>Jitter</source>
        <translation>Jitter</translation>
    </message>
    <message>
        <source>uniform</source>
        <translation>gleichverteilt</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normalverteilt</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>Pareto</translation>
    </message>
    <message>
        <source>Pareto-normal</source>
        <translation>Pareto-normal</translation>
    </message>
    <message>
        <source>Jitter distribution</source>
        <translation>Jitter-Verteilung</translation>
    </message>
    <message>
        <source>Jitter may reorder frames; off, frames leave in the order they came</source>
        <translation>Jitter darf Frames umordnen; aus: Frames gehen in der Reihenfolge ihres Eintreffens weiter</translation>
    </message>
    <message>
        <source>Reorder frames</source>
        <translation>Frames umordnen</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>bursts (Gilbert–Elliott)</source>
        <translation>Bündel (Gilbert–Elliott)</translation>
    </message>
    <message>
        <source>Loss model</source>
        <translation>Verlustmodell</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>Good → bad (p)</source>
        <translation>Gut → schlecht (p)</translation>
    </message>
    <message>
        <source>Bad → good (r)</source>
        <translation>Schlecht → gut (r)</translation>
    </message>
    <message>
        <source>Loss in the bad state</source>
        <translation>Verlust im schlechten Zustand</translation>
    </message>
    <message>
        <source>Loss in the good state</source>
        <translation>Verlust im guten Zustand</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <source>Corrupt</source>
        <translation>Verfälschen</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Rate limit</source>
        <translation>Ratenbegrenzung</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>The rate limit&apos;s queue; frames beyond it are dropped (default: 100 ms at the rate, at least 64 KiB)</source>
        <translation>Die Warteschlange der Ratenbegrenzung; Frames darüber hinaus werden verworfen (Standard: 100 ms bei der Rate, mindestens 64 KiB)</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>Queue limit</source>
        <translation>Warteschlangengrenze</translation>
    </message>
</context>
<context>
    <name>netloom::gui::ImportDialog</name>
    <message>
        <source>Import Setup Script</source>
        <translation>Einrichtungsskript importieren</translation>
    </message>
    <message>
        <source>Paste a shell script that builds a network by hand (vde_switch, tunctl, brctl, ifconfig, iptables, dnsmasq, qemu-system-*, vdeqemu) or open one. Nothing in it is executed.</source>
        <translation>Fügen Sie ein Shell-Skript ein, das ein Netz von Hand aufbaut (vde_switch, tunctl, brctl, ifconfig, iptables, dnsmasq, qemu-system-*, vdeqemu), oder öffnen Sie eines. Nichts darin wird ausgeführt.</translation>
    </message>
    <message>
        <source>The branch of an rc script&apos;s case &quot;$1&quot; that builds the network</source>
        <translation>Der Zweig von case &quot;$1&quot; eines rc-Skripts, der das Netz aufbaut</translation>
    </message>
    <message>
        <source>rc-script &amp;branch:</source>
        <translation>rc-Skript-&amp;Zweig:</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Referenced files:</source>
        <translation>Referenzierte Dateien:</translation>
    </message>
    <message>
        <source>&amp;Open File…</source>
        <translation>Datei ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Add &amp;Referenced File…</source>
        <translation>&amp;Referenzierte Datei hinzufügen…</translation>
    </message>
    <message>
        <source>A file the script reads, such as a dnsmasq -C configuration or an nft -f rule set</source>
        <translation>Eine Datei, die das Skript liest, etwa eine dnsmasq-Konfiguration (-C) oder ein nft-Regelsatz (-f)</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importieren</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is larger than 4 MiB: not a setup script</source>
        <translation>%1 ist größer als 4 MiB: kein Einrichtungsskript</translation>
    </message>
    <message>
        <source>At most %1 referenced files</source>
        <translation>Höchstens %1 referenzierte Dateien</translation>
    </message>
    <message>
        <source>Open setup script</source>
        <translation>Einrichtungsskript öffnen</translation>
    </message>
    <message>
        <source>Shell scripts (*.sh *.rc rc.*);;dnsmasq configuration (*.conf);;All files (*)</source>
        <translation>Shell-Skripte (*.sh *.rc rc.*);;dnsmasq-Konfiguration (*.conf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Add referenced file</source>
        <translation>Referenzierte Datei hinzufügen</translation>
    </message>
    <message>
        <source>The input was refused: %1</source>
        <translation>Die Eingabe wurde abgelehnt: %1</translation>
    </message>
    <message>
        <source>Paste a script or open a file.</source>
        <translation>Fügen Sie ein Skript ein oder öffnen Sie eine Datei.</translation>
    </message>
    <message>
        <source>%1 mapped, %2 ignored, %3 not understood</source>
        <translation>%1 übernommen, %2 ignoriert, %3 nicht verstanden</translation>
    </message>
    <message>
        <source>nodes: %1, cables: %2</source>
        <translation>Knoten: %1, Kabel: %2</translation>
    </message>
    <message>
        <source>nothing usable came out</source>
        <translation>nichts Verwendbares erkannt</translation>
    </message>
    <message>
        <source>mapped</source>
        <translation>übernommen</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>ignoriert</translation>
    </message>
    <message>
        <source>not understood</source>
        <translation>nicht verstanden</translation>
    </message>
    <message>
        <source>R&amp;unning QEMU Guests</source>
        <translation>La&amp;ufende QEMU-Gäste</translation>
    </message>
    <message>
        <source>Read the command lines of your own running qemu-system-* processes (they keep running; Netloom does not take them over)</source>
        <translation>Die Befehlszeilen Ihrer eigenen laufenden qemu-system-*-Prozesse lesen (sie laufen weiter; Netloom übernimmt sie nicht)</translation>
    </message>
    <message>
        <source>No running qemu-system-* process of yours was found.</source>
        <translation>Es wurde kein laufender qemu-system-*-Prozess von Ihnen gefunden.</translation>
    </message>
</context>
<context>
    <name>netloom::gui::LeaseListModel</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source> (conflict)</source>
        <translation> (Konflikt)</translation>
    </message>
    <message>
        <source> (foreign server)</source>
        <translation> (fremder Server)</translation>
    </message>
    <message>
        <source>Another client or DHCP server claims this address</source>
        <translation>Ein anderer Client oder DHCP-Server beansprucht diese Adresse</translation>
    </message>
    <message>
        <source>MAC</source>
        <translation>MAC</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>Hostname</source>
        <translation>Hostname</translation>
    </message>
    <message>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <source>Network / port</source>
        <translation>Netz / Port</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Expires in</source>
        <translation>Läuft ab in</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>IPv6 addresses from neighbor discovery and DHCPv6 leases, newest last</source>
        <translation>IPv6-Adressen aus Neighbor Discovery und DHCPv6-Leases, neueste zuletzt</translation>
    </message>
    <message>
        <source>IPv6</source>
        <translation>IPv6</translation>
    </message>
    <message>
        <source>The network&apos;s gateway: the host&apos;s own address on this network, not a lease</source>
        <translation>Das Gateway des Netzwerks: die eigene Adresse des Hosts in diesem Netzwerk, keine Lease</translation>
    </message>
</context>
<context>
    <name>netloom::gui::LeasesPanel</name>
    <message>
        <source>Filter by MAC, IP, hostname, guest…</source>
        <translation>Nach MAC, IP, Hostname, Gast filtern…</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>%1 kopiert</translation>
    </message>
    <message>
        <source>Copied “%1”</source>
        <translation>„%1“ kopiert</translation>
    </message>
    <message>
        <source>failed to pin &apos;%1&apos; as a reservation: %2</source>
        <translation>&apos;%1&apos; konnte nicht als Reservierung festgelegt werden: %2</translation>
    </message>
    <message>
        <source>the lease has no IPv4 address</source>
        <translation>die Lease hat keine IPv4-Adresse</translation>
    </message>
    <message>
        <source>no host port serves DHCP on network &apos;%1&apos;</source>
        <translation>kein Host-Port bedient DHCP im Netz &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; already has a reservation for %2 / %3</source>
        <translation>&apos;%1&apos; hat bereits eine Reservierung für %2 / %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; already has %2 reservations</source>
        <translation>&apos;%1&apos; hat bereits %2 Reservierungen</translation>
    </message>
    <message>
        <source>pin %1 as a reservation</source>
        <translation>%1 als Reservierung festlegen</translation>
    </message>
    <message>
        <source>Pinned %1 → %2 on %3 (applies at the next start)</source>
        <translation>%1 → %2 auf %3 festgelegt (gilt ab dem nächsten Start)</translation>
    </message>
    <message>
        <source>Copy &amp;IP</source>
        <translation>&amp;IP kopieren</translation>
    </message>
    <message>
        <source>Copy &amp;ssh Command</source>
        <translation>&amp;ssh-Befehl kopieren</translation>
    </message>
    <message>
        <source>&amp;Pin as Reservation</source>
        <translation>Als Reservierung &amp;festlegen</translation>
    </message>
    <message>
        <source>Forward a Port to This Guest…</source>
        <translation>Einen Port an diesen Gast weiterleiten…</translation>
    </message>
    <message>
        <source>failed to forward a port to &apos;%1&apos;: the MAC belongs to no guest of this topology</source>
        <translation>Port konnte nicht an &apos;%1&apos; weitergeleitet werden: die MAC gehört zu keinem Gast dieser Topologie</translation>
    </message>
    <message>
        <source>it is the gateway&apos;s own address, not a lease</source>
        <translation>es ist die eigene Adresse des Gateways, keine Lease</translation>
    </message>
</context>
<context>
    <name>netloom::gui::MainWindow</name>
    <message>
        <source>Palette</source>
        <translation>Palette</translation>
    </message>
    <message>
        <source>Properties</source>
        <translation>Eigenschaften</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Export as Shell Script…</source>
        <translation>Als Shell-Skript &amp;exportieren…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>&amp;Connect Mode</source>
        <translation>&amp;Verbindungsmodus</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>Draw cables: drag from one node to another</source>
        <translation>Kabel zeichnen: von einem Knoten zu einem anderen ziehen</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>&amp;Alles auswählen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>&amp;Snap to Grid</source>
        <translation>Am &amp;Raster ausrichten</translation>
    </message>
    <message>
        <source>&amp;Topology</source>
        <translation>&amp;Topologie</translation>
    </message>
    <message>
        <source>&amp;Validate Now</source>
        <translation>Jetzt &amp;prüfen</translation>
    </message>
    <message>
        <source>F7</source>
        <translation>F7</translation>
    </message>
    <message>
        <source>Validation: %1 error(s), %2 warning(s)</source>
        <translation>Prüfung: %1 Fehler, %2 Warnung(en)</translation>
    </message>
    <message>
        <source>Check &amp;Helper</source>
        <translation>&amp;Helfer prüfen</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Netloom</source>
        <translation>Ü&amp;ber Netloom</translation>
    </message>
    <message>
        <source>About Netloom</source>
        <translation>Über Netloom</translation>
    </message>
    <message>
        <source>&lt;b&gt;Netloom %1&lt;/b&gt;&lt;p&gt;Draw a virtual network of QEMU guests, export it as a shell script.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Netloom %1&lt;/b&gt;&lt;p&gt;Ein virtuelles Netzwerk aus QEMU-Gästen zeichnen und als Shell-Skript exportieren.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>unbenannt</translation>
    </message>
    <message>
        <source>Netloom</source>
        <translation>Netloom</translation>
    </message>
    <message>
        <source>failed to add node &apos;%1&apos;: unknown kind</source>
        <translation>Knoten &apos;%1&apos; konnte nicht hinzugefügt werden: unbekannte Art</translation>
    </message>
    <message>
        <source>failed to add node &apos;%1&apos;: the topology already has %2 nodes</source>
        <translation>Knoten &apos;%1&apos; konnte nicht hinzugefügt werden: die Topologie hat bereits %2 Knoten</translation>
    </message>
    <message>
        <source>failed to connect &apos;%1&apos;: the topology already has %2 cables</source>
        <translation>&apos;%1&apos; konnte nicht verbunden werden: die Topologie hat bereits %2 Kabel</translation>
    </message>
    <message>
        <source>connect %1</source>
        <translation>%1 verbinden</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>The topology &apos;%1&apos; has unsaved changes. Save them?</source>
        <translation>Die Topologie &apos;%1&apos; hat ungespeicherte Änderungen. Speichern?</translation>
    </message>
    <message>
        <source>Open topology</source>
        <translation>Topologie öffnen</translation>
    </message>
    <message>
        <source>Opened %1 (%2 nodes, %3 cables)</source>
        <translation>%1 geöffnet (%2 Knoten, %3 Kabel)</translation>
    </message>
    <message>
        <source>an unsaved topology</source>
        <translation>einer ungespeicherten Topologie</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Ungespeicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <source>Netloom found unsaved changes to %1 from %2, newer than the file. Recover them?</source>
        <translation>Netloom hat ungespeicherte Änderungen an %1 vom %2 gefunden, neuer als die Datei. Wiederherstellen?</translation>
    </message>
    <message>
        <source>recover unsaved work</source>
        <translation>ungespeicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <source>Recovered unsaved work from %1</source>
        <translation>Ungespeicherte Arbeit aus %1 wiederhergestellt</translation>
    </message>
    <message>
        <source>Save topology</source>
        <translation>Topologie speichern</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Netloom topologies (*.json);;All files (*)</source>
        <translation>Netloom-Topologien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>runtime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Leases</source>
        <translation>Leases</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Verkehr</translation>
    </message>
    <message>
        <source>F5</source>
        <translation>F5</translation>
    </message>
    <message>
        <source>Shift+F5</source>
        <translation>Shift+F5</translation>
    </message>
    <message>
        <source>Start the topology: helper, switches, guests</source>
        <translation>Die Topologie starten: Helfer, Switches, Gäste</translation>
    </message>
    <message>
        <source>Stop everything the run started, in reverse order</source>
        <translation>Alles, was der Lauf gestartet hat, in umgekehrter Reihenfolge stoppen</translation>
    </message>
    <message>
        <source>Starting %1</source>
        <translation>Starte %1</translation>
    </message>
    <message>
        <source>Stopping %1</source>
        <translation>Stoppe %1</translation>
    </message>
    <message>
        <source>Start %1</source>
        <translation>%1 starten</translation>
    </message>
    <message>
        <source>Stop %1</source>
        <translation>%1 stoppen</translation>
    </message>
    <message>
        <source>&amp;Apply Changes</source>
        <translation>Änderungen &amp;anwenden</translation>
    </message>
    <message>
        <source>Ctrl+F5</source>
        <translation>Ctrl+F5</translation>
    </message>
    <message>
        <source>Apply the edits made since Start to the running topology (guests and host settings)</source>
        <translation>Die seit dem Start gemachten Änderungen auf die laufende Topologie anwenden (Gäste und Host-Einstellungen)</translation>
    </message>
    <message>
        <source>Applying changes to %1</source>
        <translation>Wende Änderungen auf %1 an</translation>
    </message>
    <message>
        <source>&amp;Guest</source>
        <translation>&amp;Gast</translation>
    </message>
    <message>
        <source>Select a running guest on the canvas</source>
        <translation>Einen laufenden Gast auf der Zeichenfläche auswählen</translation>
    </message>
    <message>
        <source>Open &amp;Console</source>
        <translation>&amp;Konsole öffnen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Select a running guest on the canvas to open its console</source>
        <translation>Einen laufenden Gast auf der Zeichenfläche auswählen, um seine Konsole zu öffnen</translation>
    </message>
    <message>
        <source>Open the selected guest&apos;s screen (double-click a running guest does the same)</source>
        <translation>Den Bildschirm des ausgewählten Gastes öffnen (Doppelklick auf einen laufenden Gast tut dasselbe)</translation>
    </message>
    <message>
        <source>Add &amp;Guest…</source>
        <translation>&amp;Gast hinzufügen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+G</source>
        <translation>Ctrl+Shift+G</translation>
    </message>
    <message>
        <source>Guest from &amp;Image…</source>
        <translation>Gast aus &amp;Abbild…</translation>
    </message>
    <message>
        <source>Not started yet: some guest disks do not exist (create them, or cancel)</source>
        <translation>Noch nicht gestartet: einige Gast-Festplatten gibt es nicht (anlegen oder abbrechen)</translation>
    </message>
    <message>
        <source>failed to add a guest: the topology already has %1 nodes</source>
        <translation>Gast konnte nicht hinzugefügt werden: die Topologie hat bereits %1 Knoten</translation>
    </message>
    <message>
        <source>add guest %1</source>
        <translation>Gast %1 hinzufügen</translation>
    </message>
    <message>
        <source>Made disk %1</source>
        <translation>Festplatte %1 angelegt</translation>
    </message>
    <message>
        <source>Made UEFI variable store %1</source>
        <translation>UEFI-Variablenspeicher %1 angelegt</translation>
    </message>
    <message>
        <source>Forward a Port to This Guest…</source>
        <translation>Einen Port an diesen Gast weiterleiten…</translation>
    </message>
    <message>
        <source>Network &amp;Doctor…</source>
        <translation>Netzwerk&amp;doktor…</translation>
    </message>
    <message>
        <source>Check why the guests of a NAT network cannot reach the outside, and repair it</source>
        <translation>Prüfen, warum die Gäste eines NAT-Netzwerks nicht nach draußen gelangen, und es reparieren</translation>
    </message>
    <message>
        <source>Network Doctor</source>
        <translation>Netzwerkdoktor</translation>
    </message>
    <message>
        <source>This topology has no NAT or routed gateway: nothing to check.</source>
        <translation>Diese Topologie hat kein NAT- oder geroutetes Gateway: nichts zu prüfen.</translation>
    </message>
    <message>
        <source>Network doctor: %1</source>
        <translation>Netzwerkdoktor: %1</translation>
    </message>
    <message>
        <source>The guests may not reach the outside: %1</source>
        <translation>Die Gäste gelangen möglicherweise nicht nach draußen: %1</translation>
    </message>
    <message>
        <source>Open Network Doctor</source>
        <translation>Netzwerkdoktor öffnen</translation>
    </message>
    <message>
        <source>applied → %1</source>
        <translation>angewendet → %1</translation>
    </message>
    <message>
        <source>Connections reach %1</source>
        <translation>Verbindungen erreichen %1</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>not applied</source>
        <translation>nicht angewendet</translation>
    </message>
    <message>
        <source>The change has not reached the host yet</source>
        <translation>Die Änderung hat den Host noch nicht erreicht</translation>
    </message>
    <message>
        <source>&lt;p&gt;Copyright 2026 The Netloom developers.&lt;/p&gt;&lt;p&gt;Netloom is free software: you can redistribute it and/or modify it under the terms of the GNU General Public License, version 3 or (at your option) any later version (GPL-3.0-or-later). It comes with ABSOLUTELY NO WARRANTY. It uses QCustomPlot (GPL-3.0) and Qt.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Copyright 2026 Die Netloom-Entwickler.&lt;/p&gt;&lt;p&gt;Netloom ist freie Software: Sie können es unter den Bedingungen der GNU General Public License, Version 3 oder (nach Ihrer Wahl) jeder späteren Version (GPL-3.0-or-later), weitergeben und/oder verändern. Es wird OHNE JEDE GEWÄHRLEISTUNG bereitgestellt. Es verwendet QCustomPlot (GPL-3.0) und Qt.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Not started yet: building the demo guest first</source>
        <translation>Noch nicht gestartet: zuerst wird der Demo-Gast gebaut</translation>
    </message>
    <message>
        <source>The demo guest in %1 (for %2) has not been built: run scripts/build-demo-guest %1 from Netloom&apos;s source tree, or point the guests at another kernel</source>
        <translation>Der Demo-Gast in %1 (für %2) wurde nicht gebaut: scripts/build-demo-guest %1 aus Netlooms Quellbaum ausführen oder den Gästen einen anderen Kernel geben</translation>
    </message>
    <message>
        <source>Build the demo guest</source>
        <translation>Demo-Gast bauen</translation>
    </message>
    <message>
        <source>%1 boot the demo guest, which has not been built yet (%2). Build it now? It is made from this machine&apos;s kernel, busybox and dropbear, without network access, by %3.</source>
        <translation>%1 booten den Demo-Gast, der noch nicht gebaut wurde (%2). Jetzt bauen? Er wird aus Kernel, busybox und dropbear dieses Rechners ohne Netzwerkzugriff von %3 erstellt.</translation>
    </message>
    <message>
        <source>Built the demo guest in %1</source>
        <translation>Demo-Gast in %1 gebaut</translation>
    </message>
    <message>
        <source>Building the demo guest in %1 (%2)</source>
        <translation>Demo-Gast wird in %1 gebaut (%2)</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Turn a hand-made QEMU/VDE/dnsmasq setup script into a topology</source>
        <translation>Ein handgeschriebenes QEMU/VDE/dnsmasq-Einrichtungsskript in eine Topologie umwandeln</translation>
    </message>
    <message>
        <source>Imported %1 (%2 nodes, %3 cables), not saved yet</source>
        <translation>%1 importiert (%2 Knoten, %3 Kabel), noch nicht gespeichert</translation>
    </message>
    <message>
        <source>Import R&amp;unning QEMU Guests…</source>
        <translation>La&amp;ufende QEMU-Gäste importieren…</translation>
    </message>
    <message>
        <source>Turn your running qemu-system-* processes into a new topology (they keep running)</source>
        <translation>Ihre laufenden qemu-system-*-Prozesse in eine neue Topologie umwandeln (sie laufen weiter)</translation>
    </message>
    <message>
        <source>Start at &amp;Boot</source>
        <translation>Bei&amp;m Systemstart starten</translation>
    </message>
    <message>
        <source>Start this topology when the computer starts: the helper re-creates its host side, your session runs its switches and guests (netloomctl enable)</source>
        <translation>Diese Topologie beim Start des Rechners starten: der Helfer legt ihre Host-Seite neu an, Ihre Sitzung führt ihre Switches und Gäste aus (netloomctl enable)</translation>
    </message>
    <message>
        <source>%1 no longer starts at boot</source>
        <translation>%1 startet nicht mehr beim Systemstart</translation>
    </message>
    <message>
        <source>%1 starts at boot (host side by the helper, switches and guests by %2)</source>
        <translation>%1 startet beim Systemstart (Host-Seite durch den Helfer, Switches und Gäste durch %2)</translation>
    </message>
    <message>
        <source>The helper cannot be asked: %1</source>
        <translation>Der Helfer kann nicht gefragt werden: %1</translation>
    </message>
    <message>
        <source>Save the topology first: Start at Boot starts its file</source>
        <translation>Speichern Sie die Topologie zuerst: „Beim Systemstart starten“ startet ihre Datei</translation>
    </message>
    <message>
        <source>The host&apos;s addresses and routes are unknown (%1); the new gateway&apos;s subnet is only checked against this topology</source>
        <translation>Die Adressen und Routen des Hosts sind unbekannt (%1); das Subnetz des neuen Gateways wird nur mit dieser Topologie abgeglichen</translation>
    </message>
    <message>
        <source>New gateway %1: address %2, in a subnet free on this host</source>
        <translation>Neues Gateway %1: Adresse %2, in einem auf diesem Host freien Subnetz</translation>
    </message>
</context>
<context>
    <name>netloom::gui::MirrorTable</name>
    <message>
        <source>Source cable</source>
        <translation>Quellkabel</translation>
    </message>
    <message>
        <source>Target cable</source>
        <translation>Zielkabel</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Copies the traffic of the source cable&apos;s port (received, sent or both) to the target cable&apos;s port</source>
        <translation>Kopiert den Verkehr am Port des Quellkabels (empfangen, gesendet oder beides) zum Port des Zielkabels</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>rx</source>
        <translation>rx</translation>
    </message>
    <message>
        <source>tx</source>
        <translation>tx</translation>
    </message>
    <message>
        <source>both</source>
        <translation>beide</translation>
    </message>
    <message>
        <source>rx: frames the switch receives from the source; tx: frames it sends to it</source>
        <translation>rx: Frames, die der Switch von der Quelle empfängt; tx: Frames, die er an sie sendet</translation>
    </message>
</context>
<context>
    <name>netloom::gui::MissingDisksDialog</name>
    <message>
        <source>Missing Disks</source>
        <translation>Fehlende Festplatten</translation>
    </message>
    <message>
        <source>These guests&apos; disks do not exist yet. Create them as new, empty disks? (A guest then boots from its install medium or network.)</source>
        <translation>Die Festplatten dieser Gäste gibt es noch nicht. Als neue, leere Festplatten anlegen? (Ein Gast startet dann von seinem Installationsmedium oder aus dem Netz.)</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Anlegen</translation>
    </message>
</context>
<context>
    <name>netloom::gui::NewGuestDialog</name>
    <message>
        <source>New Guest from Image</source>
        <translation>Neuer Gast aus Abbild</translation>
    </message>
    <message>
        <source>New Guest</source>
        <translation>Neuer Gast</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>Linux</source>
        <translation>Linux</translation>
    </message>
    <message>
        <source>Windows</source>
        <translation>Windows</translation>
    </message>
    <message>
        <source>BSD / other</source>
        <translation>BSD / andere</translation>
    </message>
    <message>
        <source>Sets the machine type (q35), network card, disk bus, display and memory</source>
        <translation>Setzt Maschinentyp (q35), Netzwerkkarte, Festplattenbus, Grafik und Arbeitsspeicher</translation>
    </message>
    <message>
        <source>&amp;Operating system</source>
        <translation>&amp;Betriebssystem</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>of %1 MiB on this host</source>
        <translation>von %1 MiB auf diesem Rechner</translation>
    </message>
    <message>
        <source>&amp;Memory</source>
        <translation>&amp;Arbeitsspeicher</translation>
    </message>
    <message>
        <source>of %1 on this host</source>
        <translation>von %1 auf diesem Rechner</translation>
    </message>
    <message>
        <source>&amp;CPUs</source>
        <translation>&amp;CPUs</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>&amp;Install medium (ISO)</source>
        <translation>&amp;Installationsmedium (ISO)</translation>
    </message>
    <message>
        <source>Choose an installer ISO</source>
        <translation>Installations-ISO wählen</translation>
    </message>
    <message>
        <source>ISO images (*.iso);;All files (*)</source>
        <translation>ISO-Abbilder (*.iso);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>No disk</source>
        <translation>Keine Festplatte</translation>
    </message>
    <message>
        <source>New disk (qcow2)</source>
        <translation>Neue Festplatte (qcow2)</translation>
    </message>
    <message>
        <source>Existing image</source>
        <translation>Vorhandenes Abbild</translation>
    </message>
    <message>
        <source>Overlay on an image (base stays untouched)</source>
        <translation>Overlay auf einem Abbild (Basis bleibt unverändert)</translation>
    </message>
    <message>
        <source>&amp;Disk</source>
        <translation>&amp;Festplatte</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <source>as the base</source>
        <translation>wie die Basis</translation>
    </message>
    <message>
        <source>Disk si&amp;ze</source>
        <translation>Festplatten&amp;größe</translation>
    </message>
    <message>
        <source>Disk image</source>
        <translation>Festplattenabbild</translation>
    </message>
    <message>
        <source>Disk images (*.qcow2 *.img *.raw);;All files (*)</source>
        <translation>Festplattenabbilder (*.qcow2 *.img *.raw);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Disk &amp;file</source>
        <translation>Festplatten&amp;datei</translation>
    </message>
    <message>
        <source>a cloud image, e.g. debian-12-genericcloud-amd64.qcow2</source>
        <translation>ein Cloud-Abbild, z. B. debian-12-genericcloud-amd64.qcow2</translation>
    </message>
    <message>
        <source>Base image</source>
        <translation>Basisabbild</translation>
    </message>
    <message>
        <source>&amp;Base image</source>
        <translation>&amp;Basisabbild</translation>
    </message>
    <message>
        <source>BIOS (SeaBIOS)</source>
        <translation>BIOS (SeaBIOS)</translation>
    </message>
    <message>
        <source>UEFI (%1)</source>
        <translation>UEFI (%1)</translation>
    </message>
    <message>
        <source>UEFI needs Debian&apos;s ovmf package</source>
        <translation>UEFI braucht Debians Paket ovmf</translation>
    </message>
    <message>
        <source>Fi&amp;rmware</source>
        <translation>Fi&amp;rmware</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Ne&amp;twork</source>
        <translation>Ne&amp;tzwerk</translation>
    </message>
    <message>
        <source>cloud-init (for cloud images)</source>
        <translation>cloud-init (für Cloud-Abbilder)</translation>
    </message>
    <message>
        <source>At start the guest gets a NoCloud seed: this user, your SSH key, its host name</source>
        <translation>Beim Start bekommt der Gast einen NoCloud-Seed: diesen Benutzer, Ihren SSH-Schlüssel, seinen Hostnamen</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Benutzer</translation>
    </message>
    <message>
        <source>Key file…</source>
        <translation>Schlüsseldatei…</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>Kein Schlüssel</translation>
    </message>
    <message>
        <source>SSH &amp;key</source>
        <translation>SSH-&amp;Schlüssel</translation>
    </message>
    <message>
        <source>Key f&amp;ile</source>
        <translation>Schlüssel&amp;datei</translation>
    </message>
    <message>
        <source>Public key</source>
        <translation>Öffentlicher Schlüssel</translation>
    </message>
    <message>
        <source>Public keys (*.pub);;All files (*)</source>
        <translation>Öffentliche Schlüssel (*.pub);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>the node&apos;s name</source>
        <translation>der Name des Knotens</translation>
    </message>
    <message>
        <source>&amp;Host name</source>
        <translation>&amp;Hostname</translation>
    </message>
    <message>
        <source>none: key login only</source>
        <translation>keins: nur Anmeldung per Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Passwort</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Anlegen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>SSH key file: choose a public key file, or &quot;No key&quot;</source>
        <translation>SSH-Schlüsseldatei: wählen Sie eine Datei mit öffentlichem Schlüssel oder „Kein Schlüssel“</translation>
    </message>
    <message>
        <source>password: the system cannot hash it (libcrypt)</source>
        <translation>Passwort: das System kann es nicht hashen (libcrypt)</translation>
    </message>
    <message>
        <source>Replace disk?</source>
        <translation>Festplatte ersetzen?</translation>
    </message>
    <message>
        <source>&apos;%1&apos; already exists. Replace it with a new, empty disk? Its contents will be lost.</source>
        <translation>„%1“ existiert bereits. Durch eine neue, leere Festplatte ersetzen? Der Inhalt geht verloren.</translation>
    </message>
    <message>
        <source>disk file: &apos;%1&apos; already exists; choose another name</source>
        <translation>Festplattendatei: „%1“ existiert bereits; wählen Sie einen anderen Namen</translation>
    </message>
    <message>
        <source>Copy of an image (as qcow2)</source>
        <translation>Kopie eines Abbilds (als qcow2)</translation>
    </message>
</context>
<context>
    <name>netloom::gui::PropertiesPanel</name>
    <message>
        <source>Topology</source>
        <translation>Topologie</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Select a node or cable to edit it.</source>
        <translation>Einen Knoten oder ein Kabel auswählen, um es zu bearbeiten.</translation>
    </message>
    <message>
        <source>Cable %1</source>
        <translation>Kabel %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>The topology has %1 error(s) and %2 warning(s).</source>
        <translation>Die Topologie hat %1 Fehler und %2 Warnung(en).</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>Keine Probleme gefunden.</translation>
    </message>
    <message>
        <source>failed to set &apos;%1&apos;: more than %2 items</source>
        <translation>&apos;%1&apos; konnte nicht gesetzt werden: mehr als %2 Einträge</translation>
    </message>
    <message>
        <source>Hub mode</source>
        <translation>Hub-Modus</translation>
    </message>
    <message>
        <source>MAC table size</source>
        <translation>Größe der MAC-Tabelle</translation>
    </message>
    <message>
        <source>MAC aging (s)</source>
        <translation>MAC-Alterung (s)</translation>
    </message>
    <message>
        <source>MTU (0 = default)</source>
        <translation>MTU (0 = Standard)</translation>
    </message>
    <message>
        <source>Interface name</source>
        <translation>Schnittstellenname</translation>
    </message>
    <message>
        <source>Spanning tree (STP)</source>
        <translation>Spanning Tree (STP)</translation>
    </message>
    <message>
        <source>Address (CIDR)</source>
        <translation>Adresse (CIDR)</translation>
    </message>
    <message>
        <source>DHCP server</source>
        <translation>DHCP-Server</translation>
    </message>
    <message>
        <source>DHCP range start</source>
        <translation>DHCP-Bereich Anfang</translation>
    </message>
    <message>
        <source>DHCP range end</source>
        <translation>DHCP-Bereich Ende</translation>
    </message>
    <message>
        <source>Lease time (s)</source>
        <translation>Lease-Dauer (s)</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>DNS server</source>
        <translation>DNS-Server</translation>
    </message>
    <message>
        <source>NAT</source>
        <translation>NAT</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>masquerade</source>
        <translation>Masquerading</translation>
    </message>
    <message>
        <source>route</source>
        <translation>Routing</translation>
    </message>
    <message>
        <source>Physical interface</source>
        <translation>Physische Schnittstelle</translation>
    </message>
    <message>
        <source>QEMU binary</source>
        <translation>QEMU-Programm</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>Accelerator</source>
        <translation>Beschleuniger</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>Memory (MiB)</source>
        <translation>Speicher (MiB)</translation>
    </message>
    <message>
        <source>CPUs</source>
        <translation>CPUs</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>Kernel</translation>
    </message>
    <message>
        <source>Initrd</source>
        <translation>Initrd</translation>
    </message>
    <message>
        <source>Kernel command line</source>
        <translation>Kernel-Kommandozeile</translation>
    </message>
    <message>
        <source>CD-ROM image</source>
        <translation>CD-ROM-Abbild</translation>
    </message>
    <message>
        <source>Boot order</source>
        <translation>Startreihenfolge</translation>
    </message>
    <message numerus="yes">
        <source>%n disk(s) are kept as they are in the file.</source>
        <translation>
            <numerusform>%n Laufwerk bleibt wie in der Datei.</numerusform>
            <numerusform>%n Laufwerke bleiben wie in der Datei.</numerusform>
        </translation>
    </message>
    <message>
        <source>switch port</source>
        <translation>Switch-Port</translation>
    </message>
    <message>
        <source>own tap</source>
        <translation>eigenes Tap</translation>
    </message>
    <message>
        <source>user mode</source>
        <translation>User-Modus</translation>
    </message>
    <message>
        <source>socket</source>
        <translation>Socket</translation>
    </message>
    <message>
        <source>NIC %1 model</source>
        <translation>Netzwerkkarte %1 Modell</translation>
    </message>
    <message>
        <source>NIC %1 MAC</source>
        <translation>Netzwerkkarte %1 MAC</translation>
    </message>
    <message>
        <source>NIC %1 mode</source>
        <translation>Netzwerkkarte %1 Modus</translation>
    </message>
    <message>
        <source>NIC %1 tap</source>
        <translation>Netzwerkkarte %1 Tap</translation>
    </message>
    <message>
        <source>URL (netloom switch)</source>
        <translation>URL (Netloom-Switch)</translation>
    </message>
    <message>
        <source>VXLAN (kernel bridge)</source>
        <translation>VXLAN (Kernel-Bridge)</translation>
    </message>
    <message>
        <source>VNI</source>
        <translation>VNI</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>Gegenstellenadresse</translation>
    </message>
    <message>
        <source>Multicast group</source>
        <translation>Multicast-Gruppe</translation>
    </message>
    <message>
        <source>Underlay device</source>
        <translation>Underlay-Gerät</translation>
    </message>
    <message>
        <source>UDP port</source>
        <translation>UDP-Port</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>VLAN at %1</source>
        <translation>VLAN an %1</translation>
    </message>
    <message>
        <source>default (access, VLAN 1)</source>
        <translation>Standard (Access, VLAN 1)</translation>
    </message>
    <message>
        <source>access</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>trunk</source>
        <translation>Trunk</translation>
    </message>
    <message>
        <source>VLAN id at %1 (trunk: native, 0 = none)</source>
        <translation>VLAN-ID an %1 (Trunk: nativ, 0 = keins)</translation>
    </message>
    <message>
        <source>Tagged VLANs at %1 (trunk)</source>
        <translation>Getaggte VLANs an %1 (Trunk)</translation>
    </message>
    <message>
        <source>failed to set &apos;tagged VLANs at %1&apos;: &apos;%2&apos; is not a VLAN id 1..4094</source>
        <translation>&apos;Getaggte VLANs an %1&apos; konnte nicht gesetzt werden: &apos;%2&apos; ist keine VLAN-ID 1..4094</translation>
    </message>
    <message>
        <source>failed to set &apos;tagged VLANs at %1&apos;: too many VLANs</source>
        <translation>&apos;Getaggte VLANs an %1&apos; konnte nicht gesetzt werden: zu viele VLANs</translation>
    </message>
    <message>
        <source>failed to set &apos;tagged VLANs at %1&apos;: choose the trunk mode first</source>
        <translation>&apos;Getaggte VLANs an %1&apos; konnte nicht gesetzt werden: zuerst den Trunk-Modus wählen</translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation>Von %1 nach %2</translation>
    </message>
    <message>
        <source>Joining tap / veth name</source>
        <translation>Name des verbindenden Tap / veth</translation>
    </message>
    <message>
        <source>Disk image</source>
        <translation>Festplattenabbild</translation>
    </message>
    <message>
        <source>Disk format</source>
        <translation>Abbildformat</translation>
    </message>
    <message>
        <source>NIC %1 network (CIDR)</source>
        <translation>Netzwerkkarte %1 Netz (CIDR)</translation>
    </message>
    <message>
        <source>NIC %1 restricted</source>
        <translation>Netzwerkkarte %1 eingeschränkt</translation>
    </message>
    <message>
        <source>NIC %1 socket</source>
        <translation>Netzwerkkarte %1 Socket</translation>
    </message>
    <message>
        <source>listen</source>
        <translation>lauschen</translation>
    </message>
    <message>
        <source>connect</source>
        <translation>verbinden</translation>
    </message>
    <message>
        <source>multicast</source>
        <translation>Multicast</translation>
    </message>
    <message>
        <source>NIC %1 socket address</source>
        <translation>Netzwerkkarte %1 Socket-Adresse</translation>
    </message>
    <message>
        <source>NIC %1 port forwards</source>
        <translation>Netzwerkkarte %1 Portweiterleitungen</translation>
    </message>
    <message>
        <source>QEMU hostfwd rules, e.g. tcp:127.0.0.1:2222-:22</source>
        <translation>QEMU-hostfwd-Regeln, z. B. tcp:127.0.0.1:2222-:22</translation>
    </message>
    <message>
        <source>NAT uplinks</source>
        <translation>NAT-Uplinks</translation>
    </message>
    <message>
        <source>DHCP reservations</source>
        <translation>DHCP-Reservierungen</translation>
    </message>
    <message>
        <source>MAC IP [name]; …</source>
        <translation>MAC IP [Name]; …</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Create…</source>
        <translation>Anlegen…</translation>
    </message>
    <message>
        <source>The file does not exist: make a new, empty disk there</source>
        <translation>Die Datei gibt es nicht: dort eine neue, leere Festplatte anlegen</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Disk images (*.qcow2 *.img *.raw *.vmdk *.vdi);;All files (*)</source>
        <translation>Festplattenabbilder (*.qcow2 *.img *.raw *.vmdk *.vdi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>ISO images (*.iso);;All files (*)</source>
        <translation>ISO-Abbilder (*.iso);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>UEFI firmware</source>
        <translation>UEFI-Firmware</translation>
    </message>
    <message>
        <source>UEFI variable store</source>
        <translation>UEFI-Variablenspeicher</translation>
    </message>
    <message>
        <source>NIC %1 transport</source>
        <translation>Netzwerkkarte %1 Transport</translation>
    </message>
    <message>
        <source>VDE</source>
        <translation>VDE</translation>
    </message>
    <message>
        <source>vhost-user (shared memory, virtio only)</source>
        <translation>vhost-user (gemeinsamer Speicher, nur virtio)</translation>
    </message>
    <message>
        <source>Port mirroring</source>
        <translation>Port-Spiegelung</translation>
    </message>
    <message>
        <source>failed to set &apos;port mirroring&apos;: cable %1 cannot be mirrored onto itself</source>
        <translation>&apos;Port-Spiegelung&apos; konnte nicht gesetzt werden: Kabel %1 kann nicht auf sich selbst gespiegelt werden</translation>
    </message>
    <message>
        <source>Port forwards</source>
        <translation>Portweiterleitungen</translation>
    </message>
    <message>
        <source>Connections to a port of this host reach a guest on this network (needs NAT masquerade or route)</source>
        <translation>Verbindungen zu einem Port dieses Hosts erreichen einen Gast in diesem Netz (erfordert NAT Masquerade oder Route)</translation>
    </message>
    <message>
        <source>IPv6 address (prefix)</source>
        <translation>IPv6-Adresse (Präfix)</translation>
    </message>
    <message>
        <source>IPv6 router advertisements</source>
        <translation>IPv6-Router-Advertisements</translation>
    </message>
    <message>
        <source>DHCPv6 server</source>
        <translation>DHCPv6-Server</translation>
    </message>
    <message>
        <source>DHCPv6 range start</source>
        <translation>DHCPv6-Bereich Anfang</translation>
    </message>
    <message>
        <source>DHCPv6 range end</source>
        <translation>DHCPv6-Bereich Ende</translation>
    </message>
</context>
<context>
    <name>netloom::gui::RunController</name>
    <message>
        <source>failed to start &apos;%1&apos;: it is already running</source>
        <translation>&apos;%1&apos; konnte nicht gestartet werden: läuft bereits</translation>
    </message>
    <message>
        <source>failed to start &apos;%1&apos;: not a running guest or netloom switch</source>
        <translation>&apos;%1&apos; konnte nicht gestartet werden: kein Gast oder netloom-Switch eines Laufs</translation>
    </message>
    <message>
        <source>failed to stop &apos;%1&apos;: not a running guest or netloom switch</source>
        <translation>&apos;%1&apos; konnte nicht gestoppt werden: kein Gast oder netloom-Switch eines Laufs</translation>
    </message>
    <message>
        <source>failed to apply changes to &apos;%1&apos;: it is not running</source>
        <translation>Änderungen an &apos;%1&apos; konnten nicht angewendet werden: sie läuft nicht</translation>
    </message>
    <message>
        <source>failed to start &apos;%1&apos;: %2: %3</source>
        <translation>&apos;%1&apos; konnte nicht gestartet werden: %2: %3</translation>
    </message>
    <message>
        <source>failed to apply changes to &apos;%1&apos;: %2: %3</source>
        <translation>Änderungen an &apos;%1&apos; konnten nicht angewendet werden: %2: %3</translation>
    </message>
    <message>
        <source>failed to capture &apos;%1 port %2&apos;: the topology is not running</source>
        <translation>Mitschnitt von &apos;%1 Port %2&apos; fehlgeschlagen: die Topologie läuft nicht</translation>
    </message>
    <message>
        <source>failed to open the console of &apos;%1&apos;: the topology is not running</source>
        <translation>Konsole von &apos;%1&apos; konnte nicht geöffnet werden: die Topologie läuft nicht</translation>
    </message>
    <message>
        <source>failed to %1 &apos;%2&apos;: the topology is not running</source>
        <translation>%1 von &apos;%2&apos; fehlgeschlagen: die Topologie läuft nicht</translation>
    </message>
    <message>
        <source>failed to ssh to &apos;%1&apos;: the topology is not running</source>
        <translation>ssh zu &apos;%1&apos; fehlgeschlagen: die Topologie läuft nicht</translation>
    </message>
    <message>
        <source>failed to ssh to &apos;%1&apos;: no terminal to run it in (set $TERMINAL, or install one that provides x-terminal-emulator)</source>
        <translation>ssh zu &apos;%1&apos; fehlgeschlagen: kein Terminal, um es auszuführen ($TERMINAL setzen oder eines installieren, das x-terminal-emulator bereitstellt)</translation>
    </message>
    <message>
        <source>failed to ssh to &apos;%1&apos;: cannot start &apos;%2&apos;</source>
        <translation>ssh zu &apos;%1&apos; fehlgeschlagen: &apos;%2&apos; kann nicht gestartet werden</translation>
    </message>
    <message>
        <source>failed to apply the network emulation of &apos;%1&apos;: %2: %3</source>
        <translation>Die Netzwerkemulation von &apos;%1&apos; konnte nicht angewendet werden: %2: %3</translation>
    </message>
    <message>
        <source>failed to check &apos;%1&apos;: %2: %3</source>
        <translation>&apos;%1&apos; konnte nicht geprüft werden: %2: %3</translation>
    </message>
</context>
<context>
    <name>netloom::gui::TerminalView</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Alles auswählen</translation>
    </message>
    <message>
        <source>Clear Scrollback</source>
        <translation>Verlauf löschen</translation>
    </message>
</context>
<context>
    <name>netloom::gui::TrafficPanel</name>
    <message>
        <source>bits/s</source>
        <translation>Bit/s</translation>
    </message>
    <message>
        <source>packets/s</source>
        <translation>Pakete/s</translation>
    </message>
    <message>
        <source>%1 rx</source>
        <translation>%1 empfangen</translation>
    </message>
    <message>
        <source>%1 tx</source>
        <translation>%1 gesendet</translation>
    </message>
    <message>
        <source>Ports to compare. In the charts, rx is drawn in the port&apos;s colour, tx lighter.</source>
        <translation>Zu vergleichende Ports. In den Diagrammen ist Empfang in der Farbe des Ports gezeichnet, Senden heller.</translation>
    </message>
    <message>
        <source>failed to capture &apos;%1&apos;: no such port</source>
        <translation>Mitschnitt von &apos;%1&apos; fehlgeschlagen: kein solcher Port</translation>
    </message>
    <message>
        <source>Capturing into %1</source>
        <translation>Wird mitgeschnitten nach %1</translation>
    </message>
    <message>
        <source>&amp;Capture to File…</source>
        <translation>In Datei &amp;mitschneiden…</translation>
    </message>
    <message>
        <source>Capture %1</source>
        <translation>%1 mitschneiden</translation>
    </message>
    <message>
        <source>pcap files (*.pcap);;All files (*)</source>
        <translation>pcap-Dateien (*.pcap);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>Mitschnitt</translation>
    </message>
    <message>
        <source>&amp;Stop Capture (%1)</source>
        <translation>Mitschnitt &amp;beenden (%1)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Emulation drops</source>
        <translation>Verworfen (Emulation)</translation>
    </message>
    <message>
        <source>Frames dropped by network emulation (loss, link down, rate queue)</source>
        <translation>Von der Netzwerkemulation verworfene Frames (Verlust, Link inaktiv, Raten-Warteschlange)</translation>
    </message>
</context>
<context>
    <name>netloom::gui::VncView</name>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Fit to window</source>
        <translation>An Fenster anpassen</translation>
    </message>
    <message>
        <source>Actual size (1:1)</source>
        <translation>Originalgröße (1:1)</translation>
    </message>
    <message>
        <source>Resize guest to window</source>
        <translation>Gastanzeige an Fenster anpassen</translation>
    </message>
    <message>
        <source>Ctrl+Alt releases the keyboard</source>
        <translation>Strg+Alt gibt die Tastatur frei</translation>
    </message>
    <message>
        <source>Click to type into the guest</source>
        <translation>Klicken, um im Gast zu tippen</translation>
    </message>
    <message>
        <source>Ctrl+Alt+Del</source>
        <translation>Strg+Alt+Entf</translation>
    </message>
    <message>
        <source>Ctrl+Alt+Backspace</source>
        <translation>Strg+Alt+Rücktaste</translation>
    </message>
    <message>
        <source>Ctrl+Alt+F%1</source>
        <translation>Strg+Alt+F%1</translation>
    </message>
    <message>
        <source>Print Screen</source>
        <translation>Druck</translation>
    </message>
    <message>
        <source>There is no guest screen to save.</source>
        <translation>Es gibt keine Gastanzeige zum Speichern.</translation>
    </message>
    <message>
        <source>Could not save the screenshot to %1: %2</source>
        <translation>Das Bildschirmfoto konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
</context>
</TS>
