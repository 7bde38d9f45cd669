# Tandem — deutsche Texte (Standardsprache): was die App der Teilnehmenden
# zeigen kann (Tandem-Seite, Datenschutzhinweis, Bewerbungsformular, Abgleich,
# Speicher- und Fehlermeldungen). Die App der Koordinator:innen liest dazu
# coordinators.ftl. scripts/participant-texts.mjs prüft, dass hier jeder Text
# steht, den die App der Teilnehmenden erfragen kann.

app-name = Tandem
language-switch = Sprache
date-unknown = unbekannt

error-name-missing = Bitte geben Sie dem Programm einen Namen.
error-name-too-long = Der Name ist zu lang (höchstens 200 Zeichen).
error-ends-before-start = Das Ende liegt vor dem Beginn. Bitte prüfen Sie die Daten.
error-partner-name-missing = Bitte geben Sie jeder Partnerorganisation einen Namen oder entfernen Sie das leere Feld.
error-partner-twice = Die Organisation „{ $name }“ steht zweimal in der Liste.
error-unknown-partner = Diese Partnerorganisation gibt es nicht (mehr).
error-document = Das Programm konnte nicht geschrieben werden. Bitte laden Sie die Seite neu.
error-author-missing = Bitte geben Sie Ihren Namen an.
error-date-missing = Bitte geben Sie Beginn und Ende an.
error-date-invalid = „{ $value }“ ist kein gültiges Datum.
error-storage-unavailable = Dieser Browser erlaubt Tandem nicht, Daten zu speichern (zum Beispiel im privaten Modus). Ihre Eingaben gehen beim Schließen verloren.
error-storage-full = Der Speicher dieses Browsers ist voll. Die Änderung ist noch nicht gespeichert; bitte geben Sie Speicherplatz frei.
error-storage-failed = Das Speichern im Browser ist fehlgeschlagen. Die Änderung ist noch nicht gespeichert.
error-damaged = Ein gespeichertes Programm ist beschädigt und kann nicht geöffnet werden.
error-not-a-programme = Gespeicherte Daten sind kein Tandem-Programm.
error-too-new = Ein Programm wurde mit einer neueren Tandem-Version gespeichert. Bitte aktualisieren Sie Tandem.

role-mentee = Mentee
role-mentor = Mentor:in
role-co-mentor = Co-Mentor:in
role-mentee-plural = Mentees
role-mentor-plural = Mentor:innen
role-co-mentor-plural = Co-Mentor:innen
format-in-person = vor Ort
format-online = online
format-either = vor Ort oder online
tandem-status-active = läuft
tandem-status-completed = abgeschlossen
tandem-status-ended-early = vorzeitig beendet

error-text-too-long = Der Text ist zu lang (höchstens 10.000 Zeichen).
error-capacity-zero = Eine Mentor:in begleitet mindestens eine Mentee.
error-person-name-missing = Bitte geben Sie einen Namen an.
error-email-invalid = „{ $value }“ ist keine gültige E-Mail-Adresse.
error-phone-invalid = „{ $value }“ ist keine gültige Telefonnummer.
error-person-twice = { $name } ist bereits im Programm.
error-unknown-person = Diese Person gibt es in diesem Programm nicht (mehr).
error-stage-not-allowed = { $name } kann nicht von „{ $from }“ zu „{ $to }“ wechseln.
error-interviewer-missing = Bitte geben Sie an, wer das Gespräch geführt hat.
error-reason-missing = Bitte geben Sie einen Grund an.
error-in-active-tandem = { $name } ist in einem laufenden Tandem. Bitte beenden Sie zuerst das Tandem.
error-wrong-role = { $name } ist nicht als { $role } im Programm.
error-not-accepted = { $name } ist noch nicht angenommen.
error-same-person = Mentee und Mentor:in müssen zwei verschiedene Personen sein.
error-already-matched = { $name } ist schon in einem laufenden Tandem.
error-mentor-full = { $name } begleitet schon { $capacity } Mentee(s), so viele wie das Programm erlaubt.
error-same-organisation = { $mentee } und { $mentor } sind beide bei { $organisation }. In diesem Programm kommen Mentee und Mentor:in aus verschiedenen Organisationen.
error-organisation-missing = Bei { $name } fehlt die Organisation; in diesem Programm wird über Organisationen hinweg gepaart.
error-co-mentors-not-used = Dieses Programm setzt keine Co-Mentor:innen ein (siehe Regeln).
error-unknown-tandem = Dieses Tandem gibt es in diesem Programm nicht.
error-tandem-not-active = Das Tandem ist bereits beendet.
error-import-empty = Die Datei ist leer.
error-import-no-name-column = In der Datei gibt es keine Spalte für den Namen. Bitte ordnen Sie eine Spalte „Name“ oder „Vorname“/„Nachname“ zu.
error-import-unreadable = Die Datei lässt sich nicht als CSV lesen.
error-file-unreadable = Die Datei konnte nicht gelesen werden.
error-exchange-not-a-file = Das ist keine Tandem-Austauschdatei.
error-exchange-too-new = Die Datei stammt aus einer neueren Tandem-Version. Bitte aktualisieren Sie Tandem.
error-exchange-damaged = Die Datei ist beschädigt oder unvollständig. Bitte lassen Sie sie sich noch einmal schicken. Hier hat sich nichts geändert.
error-exchange-other-programme = Die Datei gehört zu einem anderen Programm („{ $name }“). Hier hat sich nichts geändert.
error-exchange-no-common-history = Die Datei stammt aus einem getrennt angelegten Programm und lässt sich nicht zusammenführen. Partnerorganisationen treten per Einladungsdatei bei.
error-exchange-missing-earlier = Die Datei baut auf Änderungen auf, die hier noch fehlen. Bitte lassen Sie sich eine Sicherung (ganzes Programm) schicken.
error-exchange-already-here = Dieses Programm ist schon in diesem Browser. Führen Sie die Datei im Programm unter „Austausch“ zusammen.
error-unknown-value = Dieser Wert ist nicht (mehr) strittig.
error-value-refused = Ein Wert kann nicht gespeichert werden ({ $value }).
error-breaks-rule = Die Änderung würde eine Regel des Programms verletzen ({ $rule }).
error-exchange-refused = Die Änderungen werden nicht übernommen, hier hat sich nichts geändert: { $reason }
error-exchange-claims-this-device = Die Datei enthält Änderungen im Namen dieses Geräts, die dieses Gerät nie gemacht hat. Sie wird nicht übernommen, hier hat sich nichts geändert. Fragen Sie bitte nach, woher die Datei stammt.

## Matching board
error-weight-too-high = Ein Gewicht kann höchstens 10 sein.
error-pair-excluded = Eine Koordinator:in hat dieses Paar ausgeschlossen.
error-nothing-to-undo = Diese Änderung lässt sich nicht zurücknehmen: Alles, was sie gesetzt hat, wurde seitdem wieder geändert.

# Working without a network
new-version-ready = Eine neue Version von Tandem ist bereit. Sie wird beim nächsten Öffnen verwendet.

## Live-Abgleich über das Relay
sync-local = Nur auf diesem Gerät
sync-syncing = Wird abgeglichen …
sync-synced = Abgeglichen
sync-offline = { $count ->
    [0] Offline – alle Änderungen sind gesendet
    [one] Offline – 1 Änderung wartet
   *[other] Offline – { $count } Änderungen warten
}
sync-refused-not-allowed = Der Schlüssel passt nicht zu diesem Raum. Bitten Sie um einen neuen Einladungslink.
sync-refused-unsupported-protocol = Das Relay ist älter als diese Tandem-Version.
sync-refused-too-large = Eine Änderung ist größer, als das Relay annimmt. Tauschen Sie sie per Datei aus.
sync-refused-bad-frame = Das Relay hat eine Nachricht nicht verstanden.
sync-refused-invite-damaged = Der gespeicherte Einladungslink ist beschädigt. Teilen Sie das Programm neu.
sync-refused-room-expired = Das Relay hat den Raum gelöscht, weil das Programm lange nicht geändert wurde. Teilen Sie das Programm neu.
sync-refused-other = Das Relay hat die Verbindung abgelehnt.
share-no-randomness = Der Browser liefert keine Zufallszahlen für einen Schlüssel. Bitte einen aktuellen Browser verwenden.
join-link-unreachable = Das Relay ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut, oder lassen Sie sich eine Einladungsdatei schicken.
join-link-refused = Das Relay lehnt ab: { $reason }
join-link-unreadable = Was das Relay geschickt hat, lässt sich mit diesem Link nicht öffnen. Bitten Sie um einen neuen Einladungslink.
error-event-day-missing = Bitte geben Sie den Tag des Termins an.
error-event-time-missing = Bitte geben Sie Beginn und Ende als Uhrzeit an (zum Beispiel 18:30).
error-hours-invalid = Bitte geben Sie die Stunden als Zahl an (zum Beispiel 2,5).
error-count-invalid = Bitte geben Sie die Anzahl als ganze Zahl an.
error-event-title-missing = Bitte geben Sie dem Termin einen Titel.
error-event-ends-before-start = Der Termin endet vor seinem Beginn. Bitte prüfen Sie Tag und Uhrzeit.
error-link-invalid = „{ $value }“ ist kein Web-Link. Bitte mit https:// beginnen.
error-event-capacity-zero = Ein Termin braucht mindestens einen Platz; für unbegrenzt das Feld leer lassen.
error-hours-too-many = Ein Termin kann höchstens 100 Stunden zählen.
error-unknown-event = Diesen Termin gibt es in diesem Programm nicht (mehr).
error-event-cancelled = Der Termin ist abgesagt; Teilnahme kann nicht erfasst werden.
error-event-full = Der Termin ist ausgebucht ({ $capacity } Plätze).
error-unknown-event-kind = „{ $value }“ ist keine bekannte Terminart.
error-too-many-events-required = Eine Regel kann höchstens 100 Termine einer Art verlangen.
error-co-mentor-already-set = Das Tandem von { $name } hat schon eine Co-Mentor:in.

## Tandem-Seiten für Mentees und Mentor:innen
page-title = Ihre Tandem-Seite
page-loading = Die Tandem-Seite wird geladen …
page-link-damaged = Dieser Link ist unvollständig oder beschädigt. Bitten Sie Ihre Koordinator:in um einen neuen Link.
page-link-empty = Unter diesem Link liegt keine Tandem-Seite. Bitten Sie Ihre Koordinator:in um einen neuen Link.
page-who-am-i = Wer sind Sie?
page-choose = Bitte wählen
page-pair = Ihr Tandem
page-goals = Ziele
page-goals-none = Noch keine Ziele eingetragen.
page-goal-add = Ziel hinzufügen
page-goal-text = Ziel
page-goal-milestones = Meilensteine (durch Komma getrennt)
page-goal-submit = Ziel speichern
page-goal-saved = Das Ziel ist gespeichert.
page-goal-status = Stand
page-milestones = Meilensteine: { $list }
goal-status-open = offen
goal-status-in-progress = in Arbeit
goal-status-reached = erreicht
goal-status-dropped = verworfen
page-meetings = Treffen
page-meetings-none = Noch keine Treffen eingetragen.
page-meeting-add = Treffen eintragen
page-meeting-on = Datum
page-meeting-minutes = Dauer in Minuten
page-meeting-kind = Art des Treffens
page-meeting-topics = Themen
page-meeting-next = Vereinbarte nächste Schritte
page-meeting-submit = Treffen speichern
page-meeting-saved = Das Treffen ist eingetragen.
page-date-missing = Bitte geben Sie das Datum des Treffens an.
page-minutes = { $count } Minuten
page-next-steps-were = Nächste Schritte: { $steps }
page-logged-by = Eingetragen von { $name }
page-by-coordinator = der Koordination
page-by-former-member = einem früheren Mitglied des Tandems
meeting-kind-in-person = persönlich
meeting-kind-online = online
meeting-kind-phone = Telefon
meeting-kind-shadowing = Hospitation bei einem Termin
page-events = Nächste Termine im Programm
page-events-none = Zurzeit sind keine Termine geplant.
page-reminders = Erinnerungen
page-next-meeting = Ihr nächstes Treffen ist bis { $date } fällig.
page-next-meeting-overdue = Ihr nächstes Treffen war bis { $date } fällig – vereinbaren Sie gern bald eins.
page-next-meeting-none = Dieses Tandem ist beendet.
page-calendar-how = Die Kalenderdatei trägt die fälligen Treffen und die nächsten Termine in Ihren Kalender ein, mit Erinnerung. Laden Sie sie nach einem Treffen einfach neu: Dann rechnet sie ab dort.
page-calendar = Kalenderdatei mit Erinnerungen
page-calendar-meeting = Tandem-Treffen fällig
page-calendar-meeting-details = Zeit für Ihr nächstes Tandem-Treffen. Tragen Sie es danach auf Ihrer Tandem-Seite ein.
page-calendar-tomorrow = Morgen
page-contact-point = Anlaufstelle bei Diskriminierung
page-contact-point-intro = Vertraulich und unabhängig vom Tandem: Hier können Sie sich melden, wenn Sie Diskriminierung erleben.
page-privacy = Diese Seite enthält nur Ihr Tandem: Ihre Namen, die Kontaktdaten, deren Weitergabe Sie zugestimmt haben, Ihre Ziele und Treffen. Die Koordination sieht, was Sie hier eintragen. Daten anderer Teilnehmender sind hier nicht gespeichert.
language-name-de = Deutsch
language-name-en = Englisch
error-page-text-too-long = Der Text ist zu lang.
error-page-goal-missing = Bitte beschreiben Sie das Ziel.
error-page-minutes-missing = Bitte geben Sie die Dauer des Treffens an.
error-page-unknown-meeting = Dieses Treffen gibt es nicht mehr.
error-storage-blocked = Tandem ist in einem anderen Tab oder Fenster noch in einer älteren Version geöffnet. Bitte schließen Sie die anderen Tandem-Tabs und laden Sie diese Seite neu. Es geht nichts verloren.

## Bericht: Kennzahlen, Ergebnisse, Fragebögen (Auswertung)
survey-anonymous = anonym
error-survey-title-missing = Bitte geben Sie dem Fragebogen einen Titel.
error-survey-without-questions = Ein Fragebogen braucht mindestens eine Frage.
error-too-many-questions = Ein Fragebogen hat höchstens 50 Fragen.
error-question-text-missing = Bitte geben Sie jeder Frage einen Text.
error-choice-needs-options = Eine Auswahlfrage braucht mindestens zwei Möglichkeiten.
error-unknown-survey = Diesen Fragebogen gibt es nicht (mehr).
error-survey-has-answers = Der Fragebogen hat schon Antworten und kann nicht entfernt werden.
error-unknown-question = Diese Frage gehört nicht zum Fragebogen.
error-answer-not-fitting = Die Antwort passt nicht zur Frage „{ $question }“.
error-not-asked = { $name } wird mit diesem Fragebogen nicht gefragt.
error-already-answered = { $name } hat diesen Fragebogen schon beantwortet.
error-post-long-before = Die Führungsposition ist Jahre vor dem Programm datiert. Bitte prüfen Sie das Datum.
page-surveys-title = Fragebögen
page-surveys-shared = Diese Seite teilen Sie mit Ihrem Tandem: Was Sie hier antworten, kann auch Ihr Tandem lesen. Anonyme Fragen speichert das Programm ohne Ihren Namen. Vertrauliches sagen Sie besser der Koordination direkt.
page-survey-send = Antworten senden
error-page-survey-not-offered = Dieser Fragebogen ist für Sie nicht (mehr) offen.
error-page-answer-not-fitting = Eine Antwort passt nicht zur Frage. Bitte prüfen Sie Ihre Angaben.

## Datenschutz: Einwilligung, Auskunft, Löschung, Hinweisseite
privacy-link = Datenschutz
error-retention-too-long = Bitte geben Sie höchstens 120 Monate an.
error-withdrawn-before-given = Der Widerruf liegt vor der Einwilligung. Bitte prüfen Sie die Daten.
error-intake-too-large = Das Formular oder die Nachricht ist zu groß (höchstens { $bytes } Bytes).
error-intake-damaged = Das Formular oder die Nachricht ist beschädigt.
error-intake-other-format = Das Formular oder die Nachricht stammt aus einer neueren Version von Tandem.
error-intake-title-missing = Bitte geben Sie dem Bewerbungsformular einen Titel.
error-intake-deadline-passed = Die Bewerbungsfrist ({ $day }) ist schon vorbei.
error-intake-field-required = Das Formular muss nach „{ $field }“ fragen.
error-intake-field-twice = Das Formular fragt zweimal nach „{ $field }“.
error-intake-no-role = Bitte wählen Sie mindestens eine Rolle, für die man sich bewerben kann.
error-intake-secrets-malformed = Der Bewerbungslink ist nicht in Ordnung. Bitte erzeugen Sie einen neuen.
error-intake-no-form = Das Programm hat kein Bewerbungsformular.
error-intake-form-closed = Das Bewerbungsformular ist geschlossen.
error-intake-inbox-in-use = Das Postfach des aktuellen Bewerbungslinks ist noch in Gebrauch.
error-intake-no-such-inbox = Dieses Postfach kennt das Programm nicht.
error-intake-not-asked = Nach „{ $field }“ wurde nicht gefragt.
error-intake-missing = „{ $field }“ fehlt.
error-intake-too-long = „{ $field }“ ist zu lang.
error-intake-not-one-line = „{ $field }“ enthält einen Zeilenumbruch oder ein Steuerzeichen.
error-intake-role-not-offered = Als „{ $role }“ kann man sich hier nicht bewerben.
error-intake-processing-not-given = Ohne Einwilligung in die Verarbeitung kann die Bewerbung nicht übernommen werden.
error-intake-already-dealt-with = Die Bewerbung { $receipt } ist schon bearbeitet ({ $outcome }).
error-intake-receipt-taken-in = Die Bewerbung { $receipt } ist schon übernommen.
error-exchange-retired-generation = Die Datei stammt aus einer früheren Fassung des Programms, die nach einer Löschung ersetzt wurde. Sie wird nicht übernommen, damit gelöschte Daten nicht zurückkehren. Bitten Sie um eine neue Datei.
error-exchange-newer-generation = Die Datei enthält eine neuere Fassung dieses Programms (nach einer Löschung). Öffnen Sie sie als „ganzes Programm“, um umzuziehen; Ihre eigenen Änderungen werden übernommen.
error-generation-not-successor = Die neue Fassung gehört nicht zu diesem Programm.
sync-refused-retired = Dieses Programm ist nach einer Löschung in einen neuen Raum umgezogen.
sync-refused-retired-unreadable = Der Hinweis auf den neuen Raum ist nicht lesbar. Bitten Sie um einen neuen Einladungslink.
sync-refused-retired-unreachable = Der neue Raum ist nicht erreichbar. Tandem versucht es beim nächsten Öffnen erneut.
privacy-title = Datenschutz: Was Tandem speichert
privacy-intro = Tandem ist das Werkzeug, mit dem die Koordinator:innen Ihres Mentoring-Programms arbeiten. Hier steht in einfachen Worten, welche Daten wo liegen, wer sie sieht und wie Sie Auskunft oder Löschung verlangen.
privacy-where-title = Wo Ihre Daten liegen
privacy-where-text = Ihre Angaben (Name, Kontaktdaten, Organisation, Ziele, Termine, Teilnahme) liegen im Browser der Koordinator:innen Ihres Programms, auf deren Dienstrechnern – verschlüsselt, wo der Browser es erlaubt (siehe „Welcher Browser was kann“). Es gibt keinen zentralen Server eines Anbieters, der sie sammelt.
privacy-relay-title = Was über das Netz geht
privacy-relay-text = Arbeiten mehrere Koordinator:innen zusammen, gleichen ihre Browser Änderungen über einen kleinen Vermittlungsdienst (Relay) ab. Alles wird vorher im Browser verschlüsselt; das Relay sieht nur unlesbare Daten, nie einen Namen.
privacy-access-title = Wer ein Programm lesen kann
privacy-access-text = Nur die Geräte, die die Administrator:innen des Programms freigegeben haben. Eine Einladung gilt einmal und 48 Stunden und enthält keinen Schlüssel: Erst wenn eine Administrator:in das neue Gerät anhand seines Fingerabdrucks freigibt, erhält es den Schlüssel. Ein entferntes Gerät erhält nichts Neues mehr; was es schon hatte, behält es. Eine Tandem-Seite dagegen öffnet jede Person, die ihren persönlichen Link hat; endet das Tandem, zieht die Seite um und alte Links erhalten nichts Neues.
privacy-dpo = Für Datenschutzbeauftragte: Das Vertrauensmodell mit allen Einzelheiten und den Tests, die jede Aussage belegen, steht in der README im Abschnitt „Trust model, in plain words“; jede Installation des Relays liefert sie mit (/usr/share/doc/tandem-relay/README.md).
privacy-page-title = Ihre Tandem-Seite
privacy-page-text = Auf Ihrer Tandem-Seite sehen nur Sie und Ihr Tandem-Gegenüber Ihre Namen, die Kontaktdaten, deren Weitergabe Sie zugestimmt haben, Ihre Ziele und Ihr Treffen-Protokoll. Auch Antworten auf Fragebögen, die Sie dort ausfüllen, kann Ihr Tandem-Gegenüber lesen; Vertrauliches sagen Sie den Koordinator:innen besser direkt. Notizen der Koordinator:innen erscheinen dort nie.
privacy-who-title = Wer was sieht
privacy-who-text = Die Koordinator:innen sehen alle Angaben zum Programm. Ihr Tandem-Gegenüber sieht nur, was auf der Tandem-Seite steht. In Berichten werden Sie nur mit Ihrer Einwilligung namentlich genannt.
privacy-consent-title = Einwilligung
privacy-consent-text = Festgehalten wird, wozu Sie eingewilligt haben (Verarbeitung für das Programm, Weitergabe einzelner Kontaktdaten an Ihr Tandem, Fotos, Nennung in Berichten), wann und wie. Sie können jederzeit widerrufen.
privacy-rights-title = Auskunft und Löschung
privacy-rights-text = Wenden Sie sich an die Koordination Ihres Programms. Sie erhalten eine Datei mit allem, was über Sie gespeichert ist. Auf Wunsch – und spätestens nach der im Programm festgelegten Frist – werden Ihre Daten endgültig gelöscht, auch aus dem Verlauf und bei allen Koordinator:innen.
privacy-back = Zur Startseite
error-generation-no-common-point = Dieser Browser kennt keinen Stand, auf dem die neue Fassung aufbaut. Bitten Sie um eine Einladung zur neuen Fassung; Ihre Fassung bleibt bis dahin unverändert.

## Storage written afresh by another tab (after a person was forgotten)
error-storage-moved = In einem anderen Tab wurde eine Person endgültig gelöscht. Bitte laden Sie diese Seite neu: Bis dahin zeigt dieser Tab noch den alten Stand, und Änderungen hier werden nicht gespeichert.

## Browser differences (src/browser.rs)
notice-understood = Verstanden
eviction-notice-title = Safari löscht Daten nach 7 Tagen ohne Besuch
eviction-notice-coordinator = Safari (und jeder Browser auf dem iPhone) löscht die Daten einer Website, wenn sie sieben Tage lang nicht geöffnet wurde. So behalten Sie Ihre Programme: Fügen Sie Tandem zum Home-Bildschirm hinzu (Teilen → „Zum Home-Bildschirm“ bzw. „Zum Dock hinzufügen“) und öffnen Sie es von dort. Erstellen Sie außerdem regelmäßig eine Sicherungsdatei (Übersicht → „Jetzt sichern“); Tandem erinnert Sie hier schon nach drei Tagen daran.
eviction-notice-participant = Safari (und jeder Browser auf dem iPhone) löscht die Daten einer Website, wenn sie sieben Tage lang nicht geöffnet wurde. Ihre Tandem-Seite holt sich dann aus Ihrem persönlichen Link wieder, was abgeglichen war. Bewahren Sie den Link gut auf, oder fügen Sie die Seite zum Home-Bildschirm hinzu (Teilen → „Zum Home-Bildschirm“) – dann bleibt sie gespeichert. Eintragungen, die noch nicht abgeglichen waren (Anzeige „offline“), gehen sonst verloren.
at-rest-notice-title = Daten können in diesem Browser nicht geschützt werden
at-rest-notice-coordinator = Dieser Browser bietet Tandem keinen eigenen Dateiablageort für den Schlüssel, unter dem es die Daten verschlüsselt speichert (so bei WebKitGTK, Safari vor Version 26, in privaten Fenstern und auf Seiten ohne HTTPS). Tandem speichert deshalb vorerst nichts: Ihre Eingaben bleiben nur in diesem Tab und gehen beim Schließen verloren. Speichern Sie ungeschützt, liegen die Programme mit allen Personendaten unverschlüsselt auf diesem Gerät, und „Person vergessen“ kann Reste auf dem Datenträger nicht unlesbar machen. Für Personendaten arbeiten Sie besser mit Firefox, Chrome oder Edge über HTTPS.
at-rest-notice-participant = Dieser Browser bietet keinen eigenen Dateiablageort für den Schlüssel, unter dem Tandem verschlüsselt speichert (so bei Safari vor Version 26, in privaten Fenstern und auf Seiten ohne HTTPS). Tandem speichert Ihre Tandem-Seite deshalb vorerst nicht: Sie bleibt nur in diesem Tab. Speichern Sie ungeschützt, liegt sie unverschlüsselt auf diesem Gerät. Über das Netz geht sie weiterhin nur verschlüsselt.
privacy-browsers-title = Welcher Browser was kann
privacy-browsers-text = In Firefox, Chrome und Edge sowie in Safari ab Version 26 verschlüsselt Tandem alles, was es im Browser ablegt, mit einem Schlüssel in einer eigenen Datei; wird eine Person vergessen, wird dieser Schlüssel gelöscht, und Reste der alten Daten sind nicht mehr lesbar. Safari vor Version 26, private Fenster und WebKitGTK bieten dafür keinen Ablageort: Dort speichert Tandem nichts, bis die Nutzer:in, aufgeklärt über die Folgen, ausdrücklich ungeschütztes Speichern wählt; bis dahin bleibt alles nur im geöffneten Tab. Safari löscht die Daten einer Website nach sieben Tagen ohne Besuch, wenn sie nicht auf dem Home-Bildschirm liegt; die Tandem-Seite holt sich dann aus dem persönlichen Link wieder, was abgeglichen war.

error-storage-unprotected = Dieser Browser kann die Daten nicht geschützt speichern, und ungeschütztes Speichern ist nicht gewählt. Die Änderung bleibt nur in diesem Tab und geht beim Schließen verloren.
at-rest-store-anyway = Trotzdem ungeschützt auf diesem Gerät speichern
at-rest-memory-only = Nur in diesem Tab behalten
sync-refused-retired-asking = Eine neue Fassung wartet auf Ihre Entscheidung.
sync-refused-retired-foreign = Der Hinweis auf einen neuen Raum führt nicht zu einer neuen Fassung dieses Programms. Er wurde nicht übernommen; hier bleibt alles, wie es ist.
sync-refused-page-link-revoked = Dieser Link gilt nicht mehr: Ihre Koordinator:in hat ihn gesperrt. Die Seite zeigt, was sie bis dahin hatte. Bitten Sie um einen neuen Link.
page-link-revoked = Dieser Link gilt nicht mehr: Ihre Koordinator:in hat ihn gesperrt. Bitten Sie um einen neuen Link.
page-link-lost = Die Seite ist zu oft umgezogen, um ihr von diesem Link aus zu folgen. Bitten Sie um einen neuen Link.
page-link-gone = Der persönliche Link steht aus Sicherheitsgründen nicht mehr in der Adresse. Öffnen Sie ihn bitte erneut, zum Beispiel aus Ihrer E-Mail.

## Wer ein Programm lesen und ändern darf: Geräte, Freigabe, Entfernen
sync-refused-not-member = Dieses Gerät ist nicht (mehr) Mitglied des Programms: Eine Administrator:in hat es entfernt, oder die Einladung gilt nicht. Was schon auf diesem Gerät war, bleibt hier; Neues kommt nicht mehr an.
sync-refused-needs-admin = Das darf nur ein Gerät einer Administrator:in des Programms.
sync-refused-bad-signature = Eine Unterschrift passt nicht zu diesem Gerät. Das Relay hat die Änderung abgelehnt.
sync-refused-access-refused = Die Einladung ist schon benutzt, abgelaufen oder gehört nicht zu diesem Programm. Bitten Sie um eine neue Einladung.
sync-refused-stale-epoch = Das Programm hat inzwischen einen neuen Schlüssel, den dieses Gerät nicht hat.
sync-refused-declined = Eine Administrator:in des Programms hat die Beitrittsanfrage dieses Geräts abgelehnt. Das Gerät hat nichts vom Programm erhalten. Wenn das ein Versehen war, bitten Sie um eine neue Einladung.

## Bewerbung per Link (Bewerbungsformular, Einrichtung, Eingang)
apply-title = Bewerbung
apply-link-broken = Dieser Bewerbungslink ist unvollständig. Bitte öffnen Sie ihn noch einmal so, wie Sie ihn bekommen haben.
apply-loading = Das Formular wird geladen …
apply-offline-first = Sie sind offline. Öffnen Sie den Link einmal mit Internetverbindung; danach können Sie das Formular auch offline ausfüllen.
apply-form-damaged = Das Formular kann nicht angezeigt werden. Bitte wenden Sie sich an das Programm.
apply-closed = Dieses Programm nimmt über diesen Link keine Bewerbungen mehr an. Fragen Sie gern beim Programm nach, ob es einen neuen Link gibt.
apply-deadline = Bewerbungsschluss: { $day }
apply-draft-here = Ihre Angaben bleiben nur auf diesem Gerät, bis Sie sie absenden. Dann werden sie verschlüsselt, sodass nur das Koordinationsteam des Programms sie lesen kann.
apply-role = Ich bewerbe mich als
apply-consents = Einwilligungen
apply-send = Bewerbung absenden
apply-list-hint = Mehrere Angaben durch Komma trennen.
apply-organisation-none = Keine der genannten
apply-format-none = Keine Angabe
apply-field-name = Name
apply-field-salutation = Anrede
apply-field-organisation = Organisation
apply-field-department = Abteilung
apply-field-position = Funktion
apply-field-email = E-Mail
apply-field-phone = Telefon
apply-field-topics = Themen
apply-field-goal = Ziel
apply-field-motivation = Motivation
apply-field-availability = Zeitliche Verfügbarkeit
apply-field-format = Treffen
apply-field-languages = Sprachen
apply-field-location = Ort
apply-field-role = Rolle
apply-waiting = Ihre Bewerbung ist verschlüsselt und wartet auf diesem Gerät. Sie wird gesendet, sobald Sie wieder online sind – die Seite kann so lange offen bleiben.
apply-sent = Vielen Dank! Ihre Bewerbung ist angekommen.
apply-withdrawn = Ihre Bewerbung wird zurückgezogen. Das Programm erfährt es beim nächsten Abruf.
apply-receipt = Ihr Code:
apply-receipt-keep = Bewahren Sie den Code auf: Mit ihm können Sie Ihre Bewerbung zurückziehen.
apply-receipt-unknown = Das ist kein Code, wie ihn dieses Formular vergibt (z. B. K7QF-9M2D).
apply-seal-failed = Dieses Gerät kann die Bewerbung nicht verschlüsseln. Bitte versuchen Sie es in einem aktuellen Browser.
apply-privacy-title = Datenschutz
apply-contact = Ansprechpartner:in:
apply-withdraw-title = Bewerbung zurückziehen
apply-withdraw = Zurückziehen
inbox-offline = Keine Verbindung zum Server. Es wird automatisch erneut versucht.
inbox-no-such = Diesen Bewerbungslink kennt der Server nicht (mehr).
inbox-closed = Über diesen Link werden keine Bewerbungen mehr angenommen.
inbox-too-many = Von diesem Netz kamen in der letzten Stunde zu viele Bewerbungen. Es wird später automatisch erneut versucht.
inbox-needs-code = Der Server öffnet neue Bewerbungslinks nur mit dem Zugangscode seines Betreibers. Tragen Sie ihn unter „Der Server verlangt einen Zugangscode?“ ein.
sync-refused-too-many-rooms = Das Relay öffnet gerade kein neues Programm: Von diesem Netz kamen zu viele neue, oder sein Betreiber verlangt einen Zugangscode (unter „Programm teilen“ → „Der Server verlangt einen Zugangscode?“).
inbox-full = Der Posteingang des Programms ist voll. Es wird später automatisch erneut versucht.
inbox-not-yours = Der Server hat den Zugang zu diesem Posteingang abgelehnt.
inbox-refused = Der Server hat die Anfrage abgelehnt.
apply-privacy-default = Ihre Angaben werden nur für die Auswahl und Durchführung dieses Mentoring-Programms verwendet und nur vom Koordinationsteam gelesen. Sie können Ihre Einwilligung jederzeit widerrufen und Auskunft verlangen.
apply-privacy-link = Was Tandem wo speichert
