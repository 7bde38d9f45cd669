# Tandem — deutsche Texte (Standardsprache)

app-name = Tandem
app-tagline = Mentoring-Programme gemeinsam organisieren
skip-to-content = Zum Inhalt springen
language-switch = Sprache
nav-programmes = Programme

programmes-title = Programme
programmes-intro = Alle Programme, die in diesem Browser gespeichert sind. Die Daten bleiben auf diesem Gerät.
programmes-loading = Programme werden geladen …
programmes-empty = Noch kein Programm angelegt. Legen Sie unten Ihr erstes Programm an.
programmes-count = { $count ->
    [one] { $count } Programm
   *[other] { $count } Programme
}
programme-partners-count = { $count ->
    [one] { $count } Partnerorganisation
   *[other] { $count } Partnerorganisationen
}
programme-dates = { $start } bis { $end }

kind-cross-mentoring = Cross-Mentoring zwischen Organisationen
kind-within-organisation = Mentoring in einer Organisation
kind-political = Politisches Mentoring
kind-qualification-course = Qualifizierungskurs

create-title = Neues Programm anlegen
create-intro = Ein Programm ist ein Durchlauf eines Mentoring-Angebots. Partnerorganisationen treten später per Einladung bei, nicht durch ein eigenes Programm gleichen Namens.
field-your-name = Ihr Name (Koordinator:in)
field-your-name-hint = Wird bei jeder Änderung vermerkt, damit alle sehen, wer was geändert hat.
field-name = Name des Programms
field-name-placeholder = z. B. Cross-Mentoring Düsseldorf–Köln 2026
field-kind = Art des Programms
field-start = Beginn
field-end = Ende
field-partners = Partnerorganisationen
field-partner = Partnerorganisation { $number }
add-partner = Weitere Organisation hinzufügen
remove-partner = Organisation { $number } entfernen
create-submit = Programm anlegen
create-saving = Wird gespeichert …
create-done = Das Programm „{ $name }“ wurde angelegt und gespeichert.

programme-back = Zurück zu allen Programmen
programme-loading = Programm wird geladen …
programme-not-found = Dieses Programm gibt es in diesem Browser nicht.
programme-overview = Überblick
programme-kind = Art
programme-period = Zeitraum
programme-partners = Partnerorganisationen
programme-history = Änderungen
programme-history-entry = { $name }: { $command }
command-create-programme = hat das Programm angelegt
command-rename = hat das Programm umbenannt
command-set-dates = hat den Zeitraum geändert
command-add-partner = hat eine Partnerorganisation hinzugefügt
command-rename-partner = hat eine Partnerorganisation umbenannt
command-unknown = hat etwas geändert

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
