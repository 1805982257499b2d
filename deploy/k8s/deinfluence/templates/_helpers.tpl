{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "deinfluence.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name of every resource. */}}
{{- define "deinfluence.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "deinfluence.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "deinfluence.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: deinfluence
{{- end }}

{{- define "deinfluence.selectorLabels" -}}
app.kubernetes.io/name: {{ include "deinfluence.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "deinfluence.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "deinfluence.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* rocksdb -> StatefulSet with a volume claim per pod; memory -> Deployment. */}}
{{- define "deinfluence.stateful" -}}
{{- if eq .Values.state.store "rocksdb" }}true{{ else if eq .Values.state.store "memory" }}{{ else }}{{ fail (printf "state.store must be rocksdb or memory, not %q" .Values.state.store) }}{{ end }}
{{- end }}

{{- define "deinfluence.workloadKind" -}}
{{- if include "deinfluence.stateful" . }}StatefulSet{{ else }}Deployment{{ end }}
{{- end }}

{{- define "deinfluence.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "deinfluence.usesSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}

{{- define "deinfluence.usesTls" -}}
{{- if or (eq .Values.kafka.securityProtocol "SSL") (eq .Values.kafka.securityProtocol "SASL_SSL") }}true{{ end }}
{{- end }}

{{/* Kubernetes resource name for a Kafka topic name (posts.raw -> <release>-posts-raw). */}}
{{- define "deinfluence.topicResourceName" -}}
{{- printf "%s-%s" (include "deinfluence.fullname" .root) (.topic | replace "." "-" | replace "_" "-" | lower) | trunc 63 | trimSuffix "-" }}
{{- end }}
